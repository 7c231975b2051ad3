//! `/api/<service>/<rest>` → `<service address>/<rest>`: a streaming reverse proxy.
//!
//! Bodies are streamed both ways (never buffered), connections to services are pooled, and
//! hop-by-hop headers are dropped as RFC 9110 requires. The request id set by
//! `kit::http::layers` travels in `x-request-id` like any other header.
//!
//! Before forwarding, the route table ([`crate::access`]) decides whether a user is needed and
//! how large a body may be; any client-sent identity header is removed, a bearer token is
//! verified, and the verified user id is passed on in `x-user-id` (with the token, which the
//! service checks again).
//!
//! Shielding ([`crate::upstream`]): the whole answer has a deadline, not only its head; an
//! address whose breaker is open is not called; and a request that can be sent again safely
//! (idempotent, no body) gets one more try at another address when the first cannot be reached.

use std::borrow::Cow;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode, Uri};
use http_body::Body as _;
use tokio::time::Instant;

use kit::auth::AuthError;
use kit::http::REQUEST_ID;
use kit::telemetry;

use crate::access::{self, Access};
use crate::context::Arrival;
use crate::error::GatewayError;
use crate::forwarding::{Client, ProxyHeaders, Traceparent};
use crate::observe::TraceContext;
use crate::state::AppState;
use crate::upstream::deadline::DeadlineBody;
use crate::upstream::h1::{AnswerHeaders, Outgoing};
use crate::upstream::pool::{PooledBody, SendError};
use crate::upstream::{is_idempotent, metrics, Chosen, Upstream};

/// `/api/{service}` and everything under it.
///
/// The service and its path are read from the request's own URI rather than extracted: an
/// extractor would allocate and percent-decode both, and the service must get the path as the
/// client sent it (a `%2F` stays one segment).
pub async fn proxy(State(state): State<AppState>, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    // Taken out, so that the target can borrow from it while the parts are sent on.
    let uri = std::mem::take(&mut parts.uri);
    let Some((service, target)) = split_api_path(&uri) else {
        return unknown(uri.path());
    };
    let Some(upstream) = state.upstreams.get(service) else {
        return unknown(uri.path());
    };
    forward(&state, upstream, &target, parts, body).await
}

/// `/api/<service><target>` → the service and the path and query to send it (`/` at least).
fn split_api_path(uri: &Uri) -> Option<(&str, Cow<'_, str>)> {
    let after = uri.path_and_query()?.as_str().strip_prefix("/api/")?;
    let end = after.find(['/', '?']).unwrap_or(after.len());
    let (service, target) = after.split_at(end);
    if service.is_empty() {
        return None;
    }
    let target = if target.starts_with('/') {
        Cow::Borrowed(target)
    } else {
        Cow::Owned(format!("/{target}"))
    };
    Some((service, target))
}

/// Any other `/api…` path.
pub async fn unknown_api(request: Request) -> Response {
    unknown(request.uri().path())
}

/// The 404 for an `/api` path that names no service.
fn unknown(path: &str) -> Response {
    let name = path.trim_start_matches("/api").trim_matches('/');
    let name = name.split('/').next().unwrap_or_default();
    GatewayError::UnknownService(name.to_string()).into_response()
}

/// What every call of one proxied request shares (also each part of an assembled page,
/// [`crate::aggregate`]).
pub(crate) struct Call<'a> {
    /// The service.
    pub(crate) upstream: &'a Upstream,
    /// Path and query on the service, starting with `/`.
    pub(crate) target: &'a str,
    /// When the answer's head must have arrived.
    pub(crate) head_by: Instant,
    /// The route's body limit, for the 413 when a streamed body turns out larger.
    pub(crate) body_limit: usize,
    /// The headers the gateway adds to the request.
    pub(crate) added: &'a ProxyHeaders,
    /// What becomes of the answer's headers.
    pub(crate) answer: AnswerHeaders,
}

/// How one call to one address ended, when it did not end in an answer.
enum CallError {
    /// The address could not be reached: nothing was sent, so another may be tried.
    Connect(GatewayError),
    /// Anything else.
    Other(GatewayError),
}

impl From<CallError> for GatewayError {
    fn from(err: CallError) -> Self {
        match err {
            CallError::Connect(e) | CallError::Other(e) => e,
        }
    }
}

// Not `#[tracing::instrument]`ed: the request's `http` span already names the path, and a
// second span per proxied request was measurable CPU on the gateway's hottest path.
async fn forward(
    state: &AppState,
    upstream: &Upstream,
    target: &str,
    parts: http::request::Parts,
    body: Body,
) -> Response {
    let started = Instant::now();
    let trace = Arrival::of(&parts.extensions).and_then(|a| a.trace);
    let request_id = trace.and_then(|_| parts.headers.get(REQUEST_ID).cloned());
    // The route table reads the path as sent, as the services' routers do: `%70roducts` is
    // not `products` to either.
    let path = target.split('?').next().unwrap_or_default();
    let response = match (
        call(state, upstream, path, target, parts, body, started).await,
        trace,
    ) {
        (Ok(response), _) => response,
        // Without a span per request (`observe`), the lines a failure logs get one here.
        (Err(err), Some(trace)) => trace
            .span(request_id.as_ref(), upstream.name, path)
            .in_scope(|| err.into_response()),
        (Err(err), None) => err.into_response(),
    };
    upstream.answers.record(response.status(), started.elapsed());
    response
}

/// Checks the request against the route table (`path` is its decoded path on the service)
/// and sends it to `target` on the service.
async fn call(
    state: &AppState,
    upstream: &Upstream,
    path: &str,
    target: &str,
    mut parts: http::request::Parts,
    body: Body,
    started: Instant,
) -> Result<Response, GatewayError> {
    let service = upstream.name;
    let deadline = started + state.deadline;
    let access = access::required(service, &parts.method, path);
    authenticate(state, access, &mut parts.headers).await?;
    let body_limit = access::body_limit(service, &parts.method, path);
    let body = limit_body(body, &parts.headers, body_limit)?;
    let added = proxy_headers(&mut parts);
    // Only a request with nothing to stream can be rebuilt for a second address.
    let again = (upstream.len() > 1 && is_idempotent(&parts.method) && body.is_end_stream())
        .then(|| (parts.method.clone(), parts.headers.clone()));
    let call = Call {
        upstream,
        target,
        head_by: deadline.min(started + state.timeout),
        body_limit,
        added: &added,
        // Passed to the client unread (`front` writes them on).
        answer: AnswerHeaders::PassedOn,
    };
    // The pool has already left the answer's hop-by-hop headers out.
    let response = exchange(&call, parts, body, again).await?;
    let (parts, body) = response.into_parts();
    let body = DeadlineBody::new(body, deadline, upstream.name);
    Ok(Response::from_parts(parts, Body::new(body)))
}

/// Sends the request to an address of `call.upstream` whose breaker admits it and, when that
/// address cannot be reached and `again` holds a bodiless copy (method and headers), once
/// more to another address. Its breaker hears how each call went.
pub(crate) async fn exchange(
    call: &Call<'_>,
    parts: http::request::Parts,
    body: Body,
    again: Option<(Method, HeaderMap)>,
) -> Result<http::Response<PooledBody>, GatewayError> {
    let first = choose(call.upstream, None)?;
    let first_index = first.index;
    match (send(call, first, parts, body).await, again) {
        (Err(CallError::Connect(_)), Some((method, headers))) => {
            metrics::record_retry(call.upstream.name);
            let mut retry = http::Request::new(Body::empty());
            *retry.method_mut() = method;
            *retry.headers_mut() = headers;
            let (parts, body) = retry.into_parts();
            let second = choose(call.upstream, Some(first_index))?;
            Ok(send(call, second, parts, body).await?)
        }
        (result, _) => Ok(result?),
    }
}

/// What a service is sent besides the client's own headers: forwarding, and the trace
/// context that makes its span a child of this request's (the client's `traceparent` is
/// already this span's parent). Hop-by-hop headers and the client's own versions of these are
/// left out when the request is written (`upstream::h1`).
pub(crate) fn proxy_headers(parts: &mut http::request::Parts) -> ProxyHeaders {
    let host = parts.headers.get(header::HOST).cloned();
    match parts.extensions.get_mut::<Arrival>() {
        // Taken, not copied: nothing reads the client after this.
        Some(arrival) => added_headers(arrival.client.take(), host, arrival.trace),
        None => added_headers(None, host, None),
    }
}

/// The same for a request the gateway makes itself, on behalf of `client`.
pub(crate) fn added_headers(
    client: Option<Client>,
    host: Option<HeaderValue>,
    trace: Option<TraceContext>,
) -> ProxyHeaders {
    let traceparent = match trace {
        Some(trace) => Some(Traceparent::Hop(trace)),
        // Spans are exported: the current one is this request's.
        None => telemetry::current_traceparent()
            .and_then(|t| HeaderValue::from_str(&t).ok())
            .map(Traceparent::Exported),
    };
    // Unreachable without a client behind `forwarding::resolve`; a client's own claims are
    // never passed on either way.
    ProxyHeaders::new(client, host, traceparent)
}

/// An address whose breaker lets the call through, or a fast 503.
fn choose(upstream: &Upstream, avoid: Option<usize>) -> Result<Chosen<'_>, GatewayError> {
    upstream.choose(avoid).map_err(|open| {
        metrics::record_refusal(upstream.name);
        GatewayError::CircuitOpen {
            service: upstream.name.into(),
            retry_after: open.retry_after,
        }
    })
}

/// Sends the request to the chosen address and reports the outcome to its breaker.
async fn send(
    call: &Call<'_>,
    chosen: Chosen<'_>,
    parts: http::request::Parts,
    body: Body,
) -> Result<http::Response<PooledBody>, CallError> {
    let service = call.upstream.name;
    let unavailable = |reason: String| GatewayError::Unavailable {
        service: service.into(),
        reason,
    };
    let target = chosen
        .endpoint
        .target(call.target)
        .map_err(|err| CallError::Other(unavailable(err.to_string())))?;
    let outgoing = Outgoing {
        target,
        added: call.added,
        answer: call.answer,
    };
    let sent = chosen.endpoint.send(parts, body, outgoing);
    match tokio::time::timeout_at(call.head_by, sent).await {
        Ok(Ok(response)) => {
            if is_unavailable(response.status()) {
                chosen.permit.failed();
            } else {
                chosen.permit.succeeded();
            }
            Ok(response)
        }
        Err(_) => {
            chosen.permit.failed();
            Err(CallError::Other(GatewayError::Timeout(service.into())))
        }
        // The client's fault, not the service's: its breaker hears nothing bad.
        Ok(Err(err)) if body_was_too_large(&err) => {
            chosen.permit.succeeded();
            Err(CallError::Other(GatewayError::BodyTooLarge {
                limit: call.body_limit,
            }))
        }
        Ok(Err(err)) => {
            chosen.permit.failed();
            let connect = matches!(err, SendError::Connect(_));
            let err = unavailable(err.to_string());
            Err(if connect {
                CallError::Connect(err)
            } else {
                CallError::Other(err)
            })
        }
    }
}

/// Refuses a declared length over `limit` at once; caps a streamed body at it.
fn limit_body(body: Body, headers: &HeaderMap, limit: usize) -> Result<Body, GatewayError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(GatewayError::BodyTooLarge { limit });
    }
    if body.is_end_stream() || declared.is_some() {
        // Empty, or its length is known and within the limit (hyper enforces the length).
        return Ok(body);
    }
    Ok(Body::new(http_body_util::Limited::new(body, limit)))
}

/// Whether the body stream failed because it grew past its limit.
fn body_was_too_large(err: &SendError) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(cause) = source {
        if cause.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = cause.source();
    }
    false
}

/// Answers that mean the service cannot serve now (counted by its breaker), as opposed to
/// answers about the request.
fn is_unavailable(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Removes forged identity headers; verifies the token when one is sent or `access` needs one.
pub(crate) async fn authenticate(
    state: &AppState,
    access: Access,
    headers: &mut HeaderMap,
) -> Result<(), AuthError> {
    for name in crate::headers::IDENTITY {
        headers.remove(name);
    }
    let token = headers.get(header::AUTHORIZATION);
    if token.is_none() && access == Access::Public {
        return Ok(());
    }
    let user = state.verifier.verify_header(token).await?;
    let id = HeaderValue::from_str(&user.id)
        .map_err(|_| AuthError::Invalid("user id is not a header value".into()))?;
    headers.insert(crate::headers::USER_ID, id);
    Ok(())
}
