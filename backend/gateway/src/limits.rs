//! Rate limits per client address: every `/api` call counts against an overall allowance,
//! and sign-in / register also against a flood guard. Over a limit the answer is 429 with
//! `Retry-After`, before anything reaches a service.
//!
//! The guard is not what stops password guessing: identity counts *failed* sign-ins per
//! account and per address in its database, shared by every replica (docs/decisions/0013).
//! Counting every attempt here would turn away fifty shoppers signing in from one office;
//! the guard only keeps one address from making identity hash passwords faster than a busy
//! shared address ever needs (each check costs tens of milliseconds of CPU). It lives in this
//! replica's memory, so with several gateways each grants its own allowance.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kit::ratelimit::KeyedLimit;

use crate::access;
use crate::config::RateLimits;
use crate::forwarding::Client;
use crate::state::AppState;

/// The two limiters, keyed by client address (the overall one and the credentials guard).
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
    // The client as `forwarding::resolve` found it: the peer, unless the peer is a trusted
    // proxy speaking for someone.
    let client = request
        .extensions()
        .get::<Client>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.address);
    if let Err(limited) = state.limits.client.check(&client) {
        return limited.into_response();
    }
    let path = request.uri().path().trim_start_matches('/');
    let (service, rest) = path.split_once('/').unwrap_or((path, ""));
    if access::submits_credentials(service, request.method(), rest) {
        if let Err(limited) = state.limits.credentials.check(&client) {
            tracing::warn!(%client, "sign-in flood guard hit");
            return limited.into_response();
        }
    }
    next.run(request).await
}
