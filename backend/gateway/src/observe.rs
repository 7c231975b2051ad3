//! Request ids and W3C trace context on the proxied routes, without a tracing span per request
//! unless spans are exported.
//!
//! `kit::http::observed` opens an `http` span per request: the fmt layer formats its fields,
//! the OpenTelemetry layer builds a span (and times every poll of the request and of its body)
//! and, with no OTLP endpoint, the sampler then drops it. On the proxy that was the costliest
//! layer. When nothing is exported this layer does what the services can see of it — the
//! `x-request-id` (taken or made, echoed on the answer) and a `traceparent` that makes the
//! service a child of this hop in the caller's trace (or of a new one) — in a few header
//! operations; a failed request's log lines still carry both ids ([`TraceContext::span`]).
//! With an endpoint set, the full `kit::http::observed` stack is used instead.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::Request;
use axum::response::Response;
use axum::Router;
use http::header::HeaderValue;
use kit::http::REQUEST_ID;
use tower::{Layer, Service};

use crate::context::Arrival;
use crate::headers::TRACEPARENT;
use crate::wire::PassedOn;

/// Wraps `router` in the request id and trace context layers: the light ones of this module
/// when spans are not exported, `kit::http::observed` when they are.
pub fn observed(router: Router) -> Router {
    if kit::telemetry::exporting() {
        kit::http::observed(router)
    } else {
        router.layer(ObserveLayer)
    }
}

/// This hop's place in a W3C trace: a request extension, read when a service is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceContext {
    trace_id: u128,
    span_id: u64,
}

impl TraceContext {
    /// A new hop in the trace of the caller's `traceparent` when it sent a valid one, else the
    /// first hop of a new trace.
    pub fn child_of(traceparent: Option<&HeaderValue>) -> Self {
        let trace_id = traceparent
            .and_then(|value| parent_trace_id(value.as_bytes()))
            .unwrap_or_else(|| fastrand::u128(1..));
        Self {
            trace_id,
            span_id: fastrand::u64(1..),
        }
    }

    /// The `traceparent` that makes a service a child of this hop. Not sampled: nothing is
    /// recorded without an exporter, as the sampler in `kit::telemetry` decides too.
    pub fn traceparent_text(&self) -> [u8; 55] {
        // Written by hand: `format!` with two hex fields took about 2 400 instructions, on
        // every proxied request.
        let mut text = *b"00-00000000000000000000000000000000-0000000000000000-00";
        write_hex(&mut text[3..35], self.trace_id);
        write_hex(&mut text[36..52], u128::from(self.span_id));
        text
    }

    /// A span carrying the request's ids, for the log lines of a request that went wrong.
    pub fn span(&self, request_id: Option<&HeaderValue>, service: &str, path: &str) -> tracing::Span {
        let request_id = request_id.and_then(|id| id.to_str().ok()).unwrap_or("-");
        tracing::info_span!(
            "http",
            service,
            path,
            request_id,
            trace_id = %format_args!("{:032x}", self.trace_id),
        )
    }
}

/// Fills `digits` with the low `digits.len()` hex digits of `value`, lowercase, most
/// significant first.
fn write_hex(digits: &mut [u8], mut value: u128) {
    for digit in digits.iter_mut().rev() {
        *digit = b"0123456789abcdef"[(value & 0xf) as usize];
        value >>= 4;
    }
}

/// The trace id of a valid W3C `traceparent` (version `00`, or a later one read as `00`), or
/// None: lowercase hex, neither id all zeros, version `ff` forbidden.
fn parent_trace_id(value: &[u8]) -> Option<u128> {
    let field = |from: usize, len: usize| -> Option<&str> {
        let bytes = value.get(from..from + len)?;
        let lower_hex = bytes
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b));
        lower_hex.then(|| std::str::from_utf8(bytes).ok()).flatten()
    };
    let version = field(0, 2)?;
    let dashes = [2, 35, 52].iter().all(|&at| value.get(at) == Some(&b'-'));
    let length_ok = match version {
        "00" => value.len() == 55,
        "ff" => false,
        _ => value.len() == 55 || value.get(55) == Some(&b'-'),
    };
    if !dashes || !length_ok {
        return None;
    }
    let trace_id = u128::from_str_radix(field(3, 32)?, 16).ok()?;
    let parent_id = u64::from_str_radix(field(36, 16)?, 16).ok()?;
    field(53, 2)?;
    (trace_id != 0 && parent_id != 0).then_some(trace_id)
}

/// The request's `x-request-id`, made (a random UUID, as `tower_http`'s `MakeRequestUuid`) and
/// set on the request when the client sent none.
fn request_id(request: &mut Request) -> HeaderValue {
    if let Some(id) = request.headers().get(REQUEST_ID) {
        return id.clone();
    }
    // Thread-local, not the OS's: a request id needs to be unique, not unguessable, and
    // `getrandom` was a system call per request.
    let uuid = uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes()).into_uuid();
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    let id = HeaderValue::from_str(uuid.hyphenated().encode_lower(&mut text))
        .unwrap_or(HeaderValue::from_static("-"));
    request.headers_mut().insert(REQUEST_ID, id.clone());
    id
}

/// The layer of [`Observe`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ObserveLayer;

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Observe { inner }
    }
}

/// Sets the request id and the [`TraceContext`] of each request, and echoes the id on its
/// answer (unless the service already did).
#[derive(Debug, Clone)]
pub struct Observe<S> {
    inner: S,
}

impl<S> Service<Request> for Observe<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Observed<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let id = request_id(&mut request);
        let trace = TraceContext::child_of(request.headers().get(TRACEPARENT));
        Arrival::of_mut(&mut request).trace = Some(trace);
        Observed {
            inner: self.inner.call(request),
            id: Some(id),
            trace,
            started: Instant::now(),
        }
    }
}

pin_project_lite::pin_project! {
    /// The answer of [`Observe`], with the request id on it.
    pub struct Observed<F> {
        #[pin]
        inner: F,
        id: Option<HeaderValue>,
        trace: TraceContext,
        started: Instant,
    }
}

impl<F, E> Future for Observed<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut response = std::task::ready!(this.inner.poll(cx))?;
        let id = this.id.take();
        if response.status().is_server_error() {
            // What `tower_http`'s trace layer logs for a 5xx, which this layer stands in for.
            tracing::error!(
                status = response.status().as_u16(),
                latency_ms = this.started.elapsed().as_millis(),
                request_id = id.as_ref().and_then(|id| id.to_str().ok()).unwrap_or("-"),
                trace_id = %format_args!("{:032x}", this.trace.trace_id),
                "response failed"
            );
        }
        if let Some(id) = id {
            // `front` writes one either way; not inserting it saves the insert.
            let passed_on = response.extensions().get::<PassedOn>();
            if !passed_on.is_some_and(PassedOn::has_request_id)
                && !response.headers().contains_key(REQUEST_ID)
            {
                response.headers_mut().insert(REQUEST_ID, id);
            }
        }
        Poll::Ready(Ok(response))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BROWSER: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn a_valid_traceparent_is_continued_with_a_new_span() {
        let parent = HeaderValue::from_static(BROWSER);
        let hop = TraceContext::child_of(Some(&parent));
        let sent = hop.traceparent_text();
        let sent = std::str::from_utf8(&sent).unwrap();
        assert!(sent.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"), "{sent}");
        assert_eq!(sent.len(), 55);
        assert!(!sent.contains("00f067aa0ba902b7"), "a span of its own: {sent}");
        let expected = format!("00-{:032x}-{:016x}-00", hop.trace_id, hop.span_id);
        assert_eq!(sent, expected);
        assert_eq!(parent_trace_id(sent.as_bytes()), Some(hop.trace_id));
    }

    #[test]
    fn malformed_traceparents_start_a_new_trace() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ] {
            assert_eq!(parent_trace_id(bad.as_bytes()), None, "{bad:?}");
        }
        let later = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future";
        assert!(parent_trace_id(later.as_bytes()).is_some());
    }

    #[test]
    fn a_request_keeps_its_id_or_gets_a_uuid() {
        let mut sent = Request::new(axum::body::Body::empty());
        sent.headers_mut()
            .insert(REQUEST_ID, HeaderValue::from_static("req-1"));
        assert_eq!(request_id(&mut sent), "req-1");
        let mut bare = Request::new(axum::body::Body::empty());
        let made = request_id(&mut bare);
        let parsed = uuid::Uuid::parse_str(made.to_str().unwrap()).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(bare.headers()[REQUEST_ID], made);
    }
}
