//! The payments service: owns payment sessions and talks to the payment provider.
//!
//! On `inventory.reserved` it creates a Checkout Session with the provider — through one
//! Stripe-compatible [client](provider::ProviderClient) — and publishes
//! `payments.session-created` (with the provider's hosted pay page). The provider reports the
//! outcome to `POST /webhooks/provider` as Stripe events (`checkout.session.completed`,
//! `…async_payment_failed`, `…expired`) signed in Stripe's scheme
//! (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.payload")`): verified, de-duplicated by
//! event id, published as `payments.succeeded` / `payments.failed`. Sessions left unpaid past
//! their timeout are expired at the provider and fail as "timed out".
//!
//! The default provider is the [`sandbox`]: our own offline provider speaking Stripe's API,
//! with a hosted pay page (Pay / Decline) that signs and sends its webhooks over real HTTP,
//! exactly like Stripe would, so the whole saga runs without the internet. It never sees card
//! data and knows nothing of stock or shipping. `PAYMENTS_PROVIDER=stripe` with Stripe's keys
//! uses Stripe with the same code (docs/decisions/0012-stripe-compatible-provider.md).

pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod provider;
pub mod routes;
pub mod sandbox;
pub mod startup;
pub mod state;
pub mod store;
