//! What identity does on NATS: it answers `identity.jwks` and `identity.partner-key`. It
//! publishes no events yet.

pub mod jwks;
pub mod partner_keys;
