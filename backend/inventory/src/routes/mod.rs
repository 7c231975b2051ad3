//! HTTP routes of inventory and its OpenAPI document.

pub mod openapi;
pub mod stock;
