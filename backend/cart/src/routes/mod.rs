//! HTTP routes of the cart and its OpenAPI document.

pub mod cart;
pub mod openapi;
pub mod owner;
