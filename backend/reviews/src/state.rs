//! What handlers reach.

use std::sync::Arc;

use axum::extract::FromRef;
use kit::auth::Verifier;
use kit::db::Pool;
use kit::outbox::RelayHandle;

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// Reviews' own database.
    pub db: Pool,
    /// Asks catalog (does the product exist?) and orders (did the author buy it?).
    pub nats: async_nats::Client,
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
