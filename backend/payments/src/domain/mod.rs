//! Payments' rules: the webhook signature scheme and the provider's event format.

pub mod provider_event;
pub mod signature;
