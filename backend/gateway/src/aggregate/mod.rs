//! Fetching the parts of a page from several services at once, each called as the proxy calls
//! a service: the shared pooled client, an address chosen past its breaker (with the proxy's
//! one retry at another address), forwarding headers, the request id and the trace context.
//!
//! Each part has its own deadline inside the page's. A part cut at its deadline is not held
//! against its service's breaker: the page stopped waiting, the service did not fail (its
//! permit is dropped unreported, as when a client goes away). A connect error, the proxy's own
//! head timeout and a 502/503/504 count as they do for proxied calls.

pub mod metrics;

use std::time::Duration;

use axum::body::Body;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};
use http_body_util::{BodyExt, Limited};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use contracts::pages::MissingReason;
use kit::auth::AuthError;
use kit::http::REQUEST_ID;

use crate::access::Access;
use crate::context::Arrival;
use crate::error::GatewayError;
use crate::forwarding::{Client, ProxyHeaders};
use crate::observe::TraceContext;
use crate::routes::proxy::{self, Call};
use crate::state::AppState;
use crate::upstream::h1::AnswerHeaders;
use crate::upstream::pool::PooledBody;

/// How long a page, and each part it can be shown without, may take from the request's
/// arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageDeadlines {
    /// The whole page, which is also the deadline of the part it cannot be shown without (the
    /// product): `PAGE_DEADLINE_MS`, default 1.5 s.
    pub page: Duration,
    /// Each other part (`PAGE_PART_DEADLINE_MS`, default 1 s; never later than `page`): past
    /// it the page goes out without that part rather than keep the shopper waiting.
    pub part: Duration,
}

impl Default for PageDeadlines {
    fn default() -> Self {
        Self {
            page: Duration::from_millis(1_500),
            part: Duration::from_millis(1_000),
        }
    }
}

/// The most of one part's answer that is read. A page of ten reviews at their longest is
/// under 200 KB; a service sending more is broken, and the page must not buffer it.
const PART_BODY_LIMIT: usize = 1 << 20;

/// The most of an error answer that is read (and thrown away) so its connection can be reused.
const ERROR_BODY_LIMIT: usize = 16 * 1024;

/// What the request asking for a page passes on to the calls for its parts.
#[derive(Debug, Clone)]
pub struct Origin {
    client: Option<Client>,
    request_id: Option<HeaderValue>,
    /// The page request's hop in its trace (when spans are not exported, `observe`).
    trace: Option<TraceContext>,
    /// The verified caller's token and user id, for the parts that answer per user.
    user: Option<(HeaderValue, HeaderValue)>,
}

impl Origin {
    /// From the page request's head. A bearer token, when sent, is verified once here (a bad
    /// one is a 401, as on the proxy's public routes) instead of once per part.
    pub async fn of(state: &AppState, request: &http::request::Parts) -> Result<Origin, AuthError> {
        let mut headers = HeaderMap::new();
        if let Some(token) = request.headers.get(header::AUTHORIZATION) {
            headers.insert(header::AUTHORIZATION, token.clone());
        }
        proxy::authenticate(state, Access::Public, &mut headers).await?;
        let user = headers
            .get(header::AUTHORIZATION)
            .cloned()
            .zip(headers.get(crate::headers::USER_ID).cloned());
        Ok(Origin {
            client: Arrival::of(&request.extensions).and_then(|a| a.client.clone()),
            trace: Arrival::of(&request.extensions).and_then(|a| a.trace),
            request_id: request.headers.get(REQUEST_ID).cloned(),
            user,
        })
    }

    /// The head of a `GET` for a part: request id, and the caller only when the part answers
    /// per user.
    fn request(&self, personal: bool) -> http::request::Parts {
        let mut request = http::Request::new(());
        let headers = request.headers_mut();
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(id) = &self.request_id {
            headers.insert(REQUEST_ID, id.clone());
        }
        if let (true, Some((token, user))) = (personal, &self.user) {
            headers.insert(header::AUTHORIZATION, token.clone());
            headers.insert(crate::headers::USER_ID, user.clone());
        }
        request.into_parts().0
    }

    /// What the gateway adds to a part's request: forwarding and trace context.
    fn added_headers(&self) -> ProxyHeaders {
        proxy::added_headers(self.client.clone(), None, self.trace)
    }
}

/// One part to fetch: a `GET` of `target` on `service`, answered by `by`.
#[derive(Debug)]
pub struct Part {
    service: &'static str,
    target: String,
    by: Instant,
    personal: bool,
}

impl Part {
    /// A part that is the same for every caller.
    pub fn new(service: &'static str, target: String, by: Instant) -> Self {
        Self {
            service,
            target,
            by,
            personal: false,
        }
    }

    /// The same part, told who the caller is.
    pub fn personal(self) -> Self {
        Self {
            personal: true,
            ..self
        }
    }
}

/// Why one part could not be had.
#[derive(Debug, thiserror::Error)]
pub enum PartError {
    /// Its deadline passed first.
    #[error("no answer by the page's deadline")]
    Late,
    /// As for a proxied call: not configured, unreachable, failing fast or timed out.
    #[error(transparent)]
    Upstream(#[from] GatewayError),
    /// The service answered, but not with success.
    #[error("the service answered {0}")]
    Status(StatusCode),
    /// The answer was too large or not the JSON expected.
    #[error("the answer could not be read: {0}")]
    Unreadable(String),
}

impl PartError {
    /// What a page says about the part.
    pub fn reason(&self) -> MissingReason {
        match self {
            PartError::Late | PartError::Upstream(GatewayError::Timeout(_)) => MissingReason::Timeout,
            PartError::Status(StatusCode::NOT_FOUND) => MissingReason::NotFound,
            PartError::Status(status) if status.is_server_error() => MissingReason::Unavailable,
            PartError::Upstream(_) => MissingReason::Unavailable,
            PartError::Status(_) | PartError::Unreadable(_) => MissingReason::Invalid,
        }
    }

    /// The status a proxied call ending this way is counted with, so the per-service counts
    /// see page calls and proxied ones alike.
    fn status(&self) -> StatusCode {
        match self {
            PartError::Late | PartError::Upstream(GatewayError::Timeout(_)) => StatusCode::GATEWAY_TIMEOUT,
            PartError::Upstream(GatewayError::CircuitOpen { .. }) => StatusCode::SERVICE_UNAVAILABLE,
            PartError::Status(status) => *status,
            _ => StatusCode::BAD_GATEWAY,
        }
    }
}

/// Fetches one part and decodes it as `T`, by the part's deadline.
pub async fn fetch<T: DeserializeOwned>(
    state: &AppState,
    origin: &Origin,
    part: Part,
) -> Result<T, PartError> {
    let started = Instant::now();
    let upstream = state
        .upstreams
        .get(part.service)
        .ok_or_else(|| GatewayError::UnknownService(part.service.into()))?;
    let added = origin.added_headers();
    let call = Call {
        upstream,
        target: &part.target,
        head_by: started + state.timeout,
        body_limit: 0,
        added: &added,
        // The parts are read here, not passed on.
        answer: AnswerHeaders::Parsed,
    };
    let request = origin.request(part.personal);
    // A `GET` without a body: safe to send again when the first address cannot be reached.
    let again = (upstream.len() > 1).then(|| (Method::GET, request.headers.clone()));
    let exchange = async {
        let response = proxy::exchange(&call, request, Body::empty(), again).await?;
        read(response).await
    };
    let outcome = tokio::time::timeout_at(part.by, exchange)
        .await
        .unwrap_or(Err(PartError::Late));
    let status = outcome
        .as_ref()
        .map_or_else(PartError::status, |_| StatusCode::OK);
    upstream.answers.record(status, started.elapsed());
    outcome
}

async fn read<T: DeserializeOwned>(response: http::Response<PooledBody>) -> Result<T, PartError> {
    let status = response.status();
    if !status.is_success() {
        // Read to the end (a problem body is small) so the connection goes back to the pool.
        let _ = Limited::new(response.into_body(), ERROR_BODY_LIMIT)
            .collect()
            .await;
        return Err(PartError::Status(status));
    }
    let body = Limited::new(response.into_body(), PART_BODY_LIMIT)
        .collect()
        .await
        .map_err(|e| PartError::Unreadable(e.to_string()))?
        .to_bytes();
    serde_json::from_slice(&body).map_err(|e| PartError::Unreadable(e.to_string()))
}
