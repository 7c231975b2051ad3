//! The payment provider as payments sees it: a Stripe-compatible HTTP API, spoken through
//! one [`ProviderClient`]. The built-in [sandbox](crate::sandbox) answers it by default;
//! `PAYMENTS_PROVIDER_URL` and the keys point the same client at Stripe
//! (docs/decisions/0012-stripe-compatible-provider.md).

pub mod client;
pub mod wire;

#[cfg(test)]
mod shapes;

pub use client::{ProviderClient, ProviderError};
