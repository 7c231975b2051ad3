//! The standard HTTP layer stack every service (and the gateway) wraps its router in.
//!
//! Outermost first: request id (taken from `x-request-id` or generated, echoed on the
//! response), a trace span carrying that id and the trace id (a child of the caller's
//! `traceparent`, see [`crate::telemetry`]), request metrics, compression and a timeout
//! answered with a problem body. Services call [`layers`] once at the end of `router()`;
//! the gateway's proxy takes only the first two ([`observed`]) and counts its answers per
//! service itself.

use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use contracts::problem::Problem;
use http::HeaderName;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::problem::ProblemResponse;
use crate::telemetry;

/// Header carrying the request id end to end.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Default time a request may take before it is answered with 503.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// Wraps `router` in the standard stack with the default timeout.
pub fn layers(router: Router) -> Router {
    layers_with_timeout(router, DEFAULT_TIMEOUT)
}

/// Wraps `router` in the standard stack; requests slower than `timeout` get a 503 problem.
pub fn layers_with_timeout(router: Router, timeout: Duration) -> Router {
    observed(
        router
            .layer(CompressionLayer::new())
            .layer(middleware::from_fn(move |req, next| {
                with_timeout(timeout, req, next)
            }))
            .layer(middleware::from_fn(record_metrics)),
    )
}

/// Only the request id and the trace span: for routes that bring their own timeout, pass
/// bodies on as they come and count their answers in their own terms (the gateway's proxy,
/// per service). Every layer costs each request CPU time, and on the proxy's path that is the
/// gateway's whole overhead.
pub fn observed(router: Router) -> Router {
    let trace = TraceLayer::new_for_http().make_span_with(|req: &Request| {
        let id = req
            .extensions()
            .get::<RequestId>()
            .and_then(|id| id.header_value().to_str().ok());
        let span = tracing::info_span!(
            "http",
            method = %req.method(),
            path = %req.uri().path(),
            request_id = id.unwrap_or("-"),
            trace_id = tracing::field::Empty,
        );
        // A child of the caller's span when it sent a `traceparent` (the shell, the gateway).
        let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
        telemetry::adopt(
            &span,
            telemetry::extract(header(telemetry::TRACEPARENT), header(telemetry::TRACESTATE)),
        );
        span
    });
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(trace)
            .layer(PropagateRequestIdLayer::new(REQUEST_ID)),
    )
}

async fn with_timeout(limit: Duration, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ProblemResponse(
            Problem::new("timeout", "The request took too long", 503).with_detail(format!(
                "No answer within {} ms; please try again.",
                limit.as_millis()
            )),
        )
        .into_response(),
    }
}

async fn record_metrics(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{body::Body, routing::get};
    use tower::ServiceExt;

    fn app() -> Router {
        layers_with_timeout(
            Router::new()
                .route("/", get(|| async { "ok" }))
                .route("/slow", get(std::future::pending::<&'static str>)),
            Duration::from_millis(50),
        )
    }

    #[tokio::test]
    async fn request_id_is_generated_or_echoed() {
        let response = app()
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert!(!response.headers()[REQUEST_ID].is_empty());
        let request = Request::get("/")
            .header(REQUEST_ID, "abc-1")
            .body(Body::empty())
            .unwrap();
        let response = app().oneshot(request).await.unwrap();
        assert_eq!(response.headers()[REQUEST_ID], "abc-1");
    }

    #[tokio::test]
    async fn slow_requests_get_a_problem() {
        let response = app()
            .oneshot(Request::get("/slow").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 503);
        assert_eq!(
            response.headers()["content-type"],
            contracts::problem::PROBLEM_JSON
        );
    }
}
