//! Parts of the checkout page.

pub mod address_form;
pub mod review;
