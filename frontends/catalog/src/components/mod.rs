//! Small building blocks of the catalog's pages.

pub mod add_to_cart;
pub mod error_view;
pub mod loading;
pub mod not_found;
pub mod pager;
pub mod product_card;
pub mod rating;
pub mod sort_select;
