//! Payments' rules: the webhook signature scheme and what a provider event means.

pub mod provider_event;
pub mod signature;
