//! HTTP routes of the catalog and its OpenAPI document.

pub mod categories;
pub mod images;
pub mod openapi;
pub mod products;
