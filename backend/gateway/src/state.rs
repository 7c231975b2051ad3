//! Shared state: one pooled HTTP client for every upstream, and the routing table.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use hyper_util::client::legacy::{connect::HttpConnector, Client};

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
}
