//! The cart's rules: valid quantities and product ids, and pricing lines into a view.

pub mod pricing;
pub mod quantity;
