//! The catalog's domain: validated request types, the demo assortment, product images and
//! the ratings it accepts from the reviews service.

pub mod image;
pub mod query;
pub mod rating;
pub mod seed;
