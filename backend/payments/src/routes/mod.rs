//! HTTP routes of payments (the webhook) and its OpenAPI document.

pub mod openapi;
pub mod webhook;
