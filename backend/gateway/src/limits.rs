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

use std::future::Ready;
use std::net::IpAddr;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use futures::future::Either;
use kit::ratelimit::KeyedLimit;
use tower::{Layer, Service};

use crate::access;
use crate::config::RateLimits;
use crate::forwarding;
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

/// Takes `request` from `client`'s allowances (and, for sign-in and register, the flood
/// guard's), or the 429 answer (paths arrive as `/api/<service>/<rest>`).
fn admit(limits: &Limits, client: IpAddr, request: &Request) -> Result<(), Response> {
    limits
        .client
        .check(&client)
        .map_err(IntoResponse::into_response)?;
    let path = request.uri().path();
    let path = path.strip_prefix("/api/").unwrap_or(path);
    let (service, rest) = path.split_once('/').unwrap_or((path, ""));
    if access::submits_credentials(service, request.method(), rest) {
        if let Err(limited) = limits.credentials.check(&client) {
            tracing::warn!(%client, "sign-in flood guard hit");
            return Err(limited.into_response());
        }
    }
    Ok(())
}

/// The `/api` router's admission: resolves each request's [`forwarding::Client`] (the peer, unless the
/// peer is a trusted proxy speaking for someone; `forwarding::attach`) and applies its limits.
///
/// A hand-written layer rather than two `middleware::from_fn`s: each of those cloned the
/// inner service and the state and boxed a future per request, measurable on the proxy's path.
#[derive(Clone)]
pub struct AdmitLayer {
    state: AppState,
}

impl AdmitLayer {
    /// Admission with `state`'s forwarding settings and limiters.
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

impl<S> Layer<S> for AdmitLayer {
    type Service = Admit<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Admit {
            state: self.state.clone(),
            inner,
        }
    }
}

/// The service of [`AdmitLayer`].
#[derive(Clone)]
pub struct Admit<S> {
    state: AppState,
    inner: S,
}

impl<S> Service<Request> for Admit<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Either<Ready<Result<Response, S::Error>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let client = forwarding::attach(&self.state.forwarding, &mut request);
        match admit(&self.state.limits, client, &request) {
            Ok(()) => Either::Right(self.inner.call(request)),
            Err(refused) => Either::Left(std::future::ready(Ok(refused))),
        }
    }
}
