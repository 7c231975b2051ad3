//! What every handler can reach: database, NATS, the signing keys, the verifier, settings.

use std::sync::{Arc, RwLock};

use axum::extract::FromRef;
use kit::auth::Verifier;
use kit::db::Pool;

use crate::config::Settings;
use crate::domain::keys::KeyRing;

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// Identity's own database.
    pub db: Pool,
    /// Connection for the JWKS responder and readiness.
    pub nats: async_nats::Client,
    /// The signing keys; replaced whole when a key rotates.
    pub keys: Arc<RwLock<Arc<KeyRing>>>,
    /// Verifies access tokens against this service's own published keys.
    pub verifier: Arc<Verifier>,
    /// Settings (with the throttle's limits and clock).
    pub settings: Arc<Settings>,
}

impl AppState {
    /// The key ring in use now.
    pub fn key_ring(&self) -> Arc<KeyRing> {
        match self.keys.read() {
            Ok(ring) => Arc::clone(&ring),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }
}

impl FromRef<AppState> for Arc<Verifier> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.verifier)
    }
}
