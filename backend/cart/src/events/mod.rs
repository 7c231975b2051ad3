//! The cart on NATS: it answers `cart.snapshot` for orders, and takes bought items out of the
//! cart when `orders.paid` says so.

pub mod paid;
pub mod snapshot;
