//! The account's pages.

pub mod order_detail;
pub mod orders_list;
pub mod profile;
