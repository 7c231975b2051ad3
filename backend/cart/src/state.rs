//! What every handler can reach: database, NATS, the token verifier, settings.

use std::sync::Arc;

use axum::extract::FromRef;
use kit::auth::Verifier;
use kit::db::Pool;

use crate::config::Settings;

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// The cart's own database.
    pub db: Pool,
    /// For `catalog.prices` and readiness.
    pub nats: async_nats::Client,
    /// Verifies access tokens (keys from identity over NATS).
    pub verifier: Arc<Verifier>,
    /// Settings.
    pub settings: Arc<Settings>,
}

impl FromRef<AppState> for Arc<Verifier> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.verifier)
    }
}
