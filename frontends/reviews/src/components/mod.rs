//! The parts of the reviews section, each small and given only what it shows.

pub mod error_view;
pub mod pager;
pub mod product_reviews;
pub mod review_form;
pub mod review_item;
pub mod review_list;
pub mod star_picker;
pub mod stars;
pub mod summary;
