//! What identity does on NATS: it answers `identity.jwks`. It publishes no events yet.

pub mod jwks;
