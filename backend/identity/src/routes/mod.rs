//! HTTP routes of identity and its OpenAPI document.

pub mod admin;
pub mod client;
pub mod cookie;
pub mod jwks;
pub mod openapi;
pub mod sessions;
pub mod users;
