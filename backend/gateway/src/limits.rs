//! Rate limits per client address: every `/api` call counts against an overall allowance,
//! and sign-in / register also against a strict one (password guessing). Over a limit the
//! answer is 429 with `Retry-After`, before anything reaches a service.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kit::ratelimit::KeyedLimit;

use crate::access;
use crate::config::RateLimits;
use crate::state::AppState;

/// The two limiters, keyed by client address.
pub struct Limits {
    client: KeyedLimit<IpAddr>,
    credentials: KeyedLimit<IpAddr>,
}

impl Limits {
    /// Limiters with the configured allowances.
    pub fn new(config: RateLimits) -> Self {
        Self {
            client: KeyedLimit::new(config.per_second, Duration::from_secs(1), config.burst),
            credentials: KeyedLimit::new(
                config.auth_per_minute,
                Duration::from_secs(60),
                config.auth_per_minute,
            ),
        }
    }
}

/// Middleware on the `/api` router (paths arrive as `/<service>/<rest>`).
pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // The peer address is the client: the gateway is the public entry and trusts no
    // X-Forwarded-For a client could forge. (Behind a trusted proxy, key on its header instead.)
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    if let Err(limited) = state.limits.client.check(&client) {
        return limited.into_response();
    }
    let path = request.uri().path().trim_start_matches('/');
    let (service, rest) = path.split_once('/').unwrap_or((path, ""));
    if access::submits_credentials(service, request.method(), rest) {
        if let Err(limited) = state.limits.credentials.check(&client) {
            tracing::warn!(%client, "sign-in rate limit hit");
            return limited.into_response();
        }
    }
    next.run(request).await
}
