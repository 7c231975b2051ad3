//! Shared state: the services' addresses with their breakers and connections, the token
//! verifier, the rate limiters and the live feed.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use kit::auth::Verifier;

use crate::aggregate::PageDeadlines;
use crate::feed::Feed;
use crate::forwarding::Forwarding;
use crate::limits::Limits;
use crate::upstream::Upstreams;

/// Gateway state: one `Arc`, so the clone each handler and middleware takes per request is one
/// reference count, not one per field (those clones and drops were ~1.5% of the proxy's CPU).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    /// State holding `shared`.
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What every request of the gateway shares.
pub struct Shared {
    /// Each service's addresses, each with its keep-alive connections.
    pub upstreams: Arc<Upstreams>,
    /// Time allowed until the upstream's response head.
    pub timeout: Duration,
    /// Time allowed for the whole proxied answer, body included.
    pub deadline: Duration,
    /// Time allowed for an assembled page and its parts (`/api/pages/…`).
    pub pages: PageDeadlines,
    /// Who may speak for a client.
    pub forwarding: Arc<Forwarding>,
    /// Checks access tokens with identity's published keys.
    pub verifier: Arc<Verifier>,
    /// Per-client request limits.
    pub limits: Arc<Limits>,
    /// Order updates for the `/api/events` streams.
    pub feed: Feed,
}

impl FromRef<AppState> for Arc<Verifier> {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

impl FromRef<AppState> for Feed {
    fn from_ref(state: &AppState) -> Self {
        state.feed.clone()
    }
}
