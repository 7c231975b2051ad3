//! The catalog's domain: validated request types, the demo assortment and product images.

pub mod image;
pub mod query;
pub mod seed;
