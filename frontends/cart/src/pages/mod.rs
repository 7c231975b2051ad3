//! The cart's pages.

pub mod cart_page;
