//! HTTP routes of reviews and its OpenAPI document.

pub mod openapi;
pub mod reviews;
pub mod votes;
