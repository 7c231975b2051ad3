//! `/healthz` (the process is up), `/readyz` (it can do its job) and `/metrics` (Prometheus).
//!
//! Readiness is a caller-supplied check so each service decides what "ready" means (database
//! reachable, NATS connected, files present). The Prometheus recorder is installed once per
//! process, so tests that build several apps share it.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use serde_json::json;

/// The outcome of one named readiness check.
pub type Checks = Vec<(&'static str, bool)>;

/// An async readiness probe: returns each check's name and whether it passed.
pub type Readiness = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Checks> + Send>> + Send + Sync>;

/// Builds a [`Readiness`] from an async closure.
pub fn readiness<F, Fut>(check: F) -> Readiness
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Checks> + Send + 'static,
{
    Arc::new(move || Box::pin(check()))
}

/// The usual readiness of a service: its database answers and NATS is connected.
pub fn database_and_nats<DB: sqlx::Database>(db: sqlx::Pool<DB>, nats: async_nats::Client) -> Readiness {
    readiness(move || {
        let (db, nats) = (db.clone(), nats.clone());
        async move {
            use sqlx::Connection;
            let database = match db.acquire().await {
                Ok(mut conn) => conn.ping().await.is_ok(),
                Err(_) => false,
            };
            let connected = nats.connection_state() == async_nats::connection::State::Connected;
            vec![("database", database), ("nats", connected)]
        }
    })
}

/// How often the recorder folds histogram samples into their buckets when nobody scrapes.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Upper bounds (seconds) of every histogram's buckets: from a cached read (a millisecond)
/// to a request at its timeout, about ×2.5 apart.
pub const LATENCY_BUCKETS: [f64; 13] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The process-wide Prometheus handle, installing the recorder on first use.
///
/// A recorder from `build_recorder` keeps every histogram sample until something renders
/// or upkeeps it: a gateway nobody scraped grew by about 17 bytes a request (25 → 123 MB
/// over 2.7 million). One thread per process runs the upkeep instead; a thread rather than
/// a task, because the handle outlives any one runtime (tests start many).
///
/// Histograms are Prometheus histograms with [`LATENCY_BUCKETS`], not the exporter's default
/// summaries: a summary's quantiles cannot be added up across replicas (a dashboard's
/// `histogram_quantile(… sum by (le) …)` can), and its sketches keep growing with the spread
/// of values where a histogram is a fixed row of counters.
pub fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        // Only an empty list is refused, and this one is not.
        let builder = PrometheusBuilder::new()
            .set_buckets(&LATENCY_BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder may already be installed (e.g. by a test harness); ours still renders.
        let _ = metrics::set_global_recorder(recorder);
        let upkeep = handle.clone();
        let spawned = std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || loop {
                std::thread::sleep(UPKEEP_EVERY);
                upkeep.run_upkeep();
            });
        if let Err(err) = spawned {
            tracing::warn!(%err, "no metrics upkeep thread: histograms grow until scraped");
        }
        handle
    })
}

/// Routes for health, readiness and metrics, to merge into a service's router.
pub fn router(ready: Readiness) -> Router {
    let handle = prometheus();
    Router::new()
        .route("/healthz", get(|| async { axum::Json(json!({"status": "ok"})) }))
        .route("/readyz", get(move || readyz(ready.clone())))
        .route("/metrics", get(move || async move { handle.render() }))
}

async fn readyz(ready: Readiness) -> impl IntoResponse {
    let checks = ready().await;
    let failed: Vec<&str> = checks
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(name, _)| *name)
        .collect();
    let status = if failed.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({"ready": failed.is_empty(), "failed": failed});
    (status, axum::Json(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::extract::Request;
    use tower::ServiceExt;

    #[tokio::test]
    async fn readyz_reports_failed_checks() {
        let app = router(readiness(|| async { vec![("database", true), ("nats", false)] }));
        let response = app
            .oneshot(Request::get("/readyz").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&body).unwrap()["failed"][0],
            "nats"
        );
    }

    #[tokio::test]
    async fn metrics_render_request_counters() {
        let app = crate::http::layers(router(readiness(|| async { vec![] })));
        let ok = Request::get("/healthz").body(Body::empty()).unwrap();
        assert_eq!(app.clone().oneshot(ok).await.unwrap().status(), StatusCode::OK);
        let response = app
            .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let text = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        assert!(String::from_utf8_lossy(&text).contains("http_requests_total"));
    }
}
