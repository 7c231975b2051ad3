//! The catalog on NATS: it answers `catalog.prices` and keeps its copy of product ratings
//! from `reviews.rating-changed`; it publishes no events.

pub mod prices;
pub mod ratings;
