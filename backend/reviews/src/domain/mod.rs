//! Reviews' rules: what a review may say, and how stars add up to a rating.

pub mod rating;
pub mod review;
