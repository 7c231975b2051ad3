//! Shared state: one pooled HTTP client for every upstream, the routing table, the token
//! verifier, the rate limiters and the live feed.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::FromRef;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use kit::auth::Verifier;

use crate::feed::Feed;
use crate::limits::Limits;

/// The pooled client used for every proxied request (keep-alive connections are reused).
pub type UpstreamClient = Client<HttpConnector, Body>;

/// Gateway state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// Pooled HTTP/1.1 client.
    pub client: UpstreamClient,
    /// Service name → base URL.
    pub upstreams: Arc<HashMap<&'static str, String>>,
    /// Time allowed until the upstream's response head.
    pub timeout: Duration,
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
