//! What handlers, consumers and the sandbox reach.

use std::sync::Arc;

use kit::bus::Bus;
use kit::db::Pool;
use kit::outbox::RelayHandle;

use crate::config::Settings;
use crate::provider::ProviderClient;

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// Payments' own database.
    pub db: Pool,
    /// For readiness.
    pub nats: async_nats::Client,
    /// JetStream.
    pub bus: Bus,
    /// Wakes the outbox relay after a commit.
    pub relay: RelayHandle,
    /// Settings.
    pub settings: Arc<Settings>,
    /// The payment provider's API (the sandbox's, or Stripe's).
    pub provider: ProviderClient,
    /// The sandbox provider's HTTP client (it calls the webhook like a real provider).
    pub http: reqwest::Client,
    /// Where the sandbox sends webhooks.
    pub webhook_url: Arc<str>,
}
