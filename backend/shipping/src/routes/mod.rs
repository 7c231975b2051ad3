//! HTTP routes of shipping and its OpenAPI document.

pub mod openapi;
pub mod shipments;
