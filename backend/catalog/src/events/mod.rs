//! The catalog on NATS: it answers `catalog.prices`; it publishes no events yet.

pub mod prices;
