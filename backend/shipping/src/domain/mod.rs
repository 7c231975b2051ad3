//! Shipping's rules: tracking codes.

pub mod tracking;
