//! The catalog's pages.

pub mod product_detail;
pub mod product_list;
