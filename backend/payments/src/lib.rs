//! The payments service: owns payment sessions and talks to the payment provider.
//!
//! On `inventory.reserved` it opens a session with the provider and publishes
//! `payments.session-created` (with the provider's hosted pay page). The provider reports the
//! outcome to `POST /webhooks/provider`, signed in the Stripe scheme
//! (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.payload")`): verified, de-duplicated by
//! event id, published as `payments.succeeded` / `payments.failed`. Sessions left unpaid past
//! their timeout fail as "timed out".
//!
//! The default provider is the [`sandbox`]: our own offline provider with a hosted pay page
//! (Pay / Decline) that signs and sends its webhooks over real HTTP, exactly like a hosted
//! provider would, so the whole saga runs without the internet. It never sees card data and
//! knows nothing of stock or shipping.

pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod routes;
pub mod sandbox;
pub mod startup;
pub mod state;
pub mod store;
