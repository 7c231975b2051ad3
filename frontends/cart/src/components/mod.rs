//! Parts of the cart page.

pub mod cart_line;
pub mod summary;
