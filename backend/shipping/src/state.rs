//! What handlers, consumers and the carrier reach.

use std::sync::Arc;

use axum::extract::FromRef;
use kit::auth::Verifier;
use kit::bus::Bus;
use kit::db::Pool;
use kit::outbox::RelayHandle;

use crate::config::Settings;

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// Shipping's own database.
    pub db: Pool,
    /// For readiness.
    pub nats: async_nats::Client,
    /// JetStream.
    pub bus: Bus,
    /// Wakes the outbox relay after a commit.
    pub relay: RelayHandle,
    /// Verifies access tokens.
    pub verifier: Arc<Verifier>,
    /// Settings.
    pub settings: Arc<Settings>,
}

impl FromRef<AppState> for Arc<Verifier> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.verifier)
    }
}
