//! HTTP routes of orders and its OpenAPI document.

pub mod openapi;
pub mod orders;
