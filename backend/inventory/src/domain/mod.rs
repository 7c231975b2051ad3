//! Inventory's rules: the seed stock, and deciding whether an order can be held.

pub mod reservation;
pub mod seed;
