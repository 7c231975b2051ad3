//! What handlers and consumers reach: database, NATS, bus, relay, token verifier.

use std::sync::Arc;

use axum::extract::FromRef;
use kit::auth::Verifier;
use kit::bus::Bus;
use kit::db::Pool;
use kit::outbox::RelayHandle;

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// The orders database.
    pub db: Pool,
    /// For request-reply and readiness.
    pub nats: async_nats::Client,
    /// JetStream.
    pub bus: Bus,
    /// Wakes the outbox relay after a commit.
    pub relay: RelayHandle,
    /// Verifies access tokens.
    pub verifier: Arc<Verifier>,
}

impl FromRef<AppState> for Arc<Verifier> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.verifier)
    }
}
