//! Shielding the store from a failing service: a deadline on the whole answer, a circuit
//! breaker per address, one retry at another address, body limits per route, and forwarding
//! headers from configuration.

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use mercado_gateway::forwarding::{Forwarding, Scheme};
use mercado_gateway::upstream::breaker::BreakerPolicy;

use crate::helpers::{spawn_configured, spawn_upstream};

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// Polls `check` until it holds or `within` passes.
async fn eventually<F, Fut>(within: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let end = Instant::now() + within;
    while Instant::now() < end {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

async fn assert_problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_answer_that_stalls_after_its_head_is_cut_off_at_the_deadline() {
    let stalling = Router::new().route(
        "/stall",
        get(|| async {
            let first = futures::stream::once(async { Ok::<_, std::io::Error>("partial") });
            Body::from_stream(futures::StreamExt::chain(first, futures::stream::pending()))
        }),
    );
    let upstream = serve(stalling).await;
    let gw = spawn_configured(Some(vec![upstream]), |s| {
        s.upstream_deadline = Duration::from_millis(300)
    })
    .await;
    let response = gw.fetch("/api/catalog/stall").await;
    assert_eq!(response.status(), 200, "the head came in time");
    let body = tokio::time::timeout(Duration::from_secs(20), response.bytes())
        .await
        .expect("the gateway ends the answer instead of holding it open");
    assert!(body.is_err(), "a cut answer is not passed off as whole: {body:?}");
}

/// A catalog that answers 503 until it is told it is healthy, counting what reaches it.
struct FlakyService {
    url: String,
    healthy: Arc<AtomicBool>,
    calls: Arc<AtomicUsize>,
}

async fn flaky_service() -> FlakyService {
    let healthy = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicUsize::new(0));
    let (h, c) = (healthy.clone(), calls.clone());
    let app = Router::new().fallback(move || {
        let (healthy, calls) = (h.clone(), c.clone());
        async move {
            calls.fetch_add(1, Ordering::SeqCst);
            if healthy.load(Ordering::SeqCst) {
                (http::StatusCode::OK, "fine")
            } else {
                (http::StatusCode::SERVICE_UNAVAILABLE, "overloaded")
            }
        }
    });
    FlakyService {
        url: serve(app).await,
        healthy,
        calls,
    }
}

#[tokio::test]
async fn a_failing_service_is_refused_fast_then_probed_back() {
    let service = flaky_service().await;
    let policy = BreakerPolicy {
        threshold: 3,
        open_for: Duration::from_millis(300),
    };
    let gw = spawn_configured(Some(vec![service.url.clone()]), |s| s.breaker = policy).await;
    for _ in 0..3 {
        let passed_on = gw.fetch("/api/catalog/products").await;
        assert_eq!(passed_on.status(), 503);
        assert_eq!(
            passed_on.text().await.unwrap(),
            "overloaded",
            "the service's own answer"
        );
    }
    let refused = gw.fetch("/api/catalog/products").await;
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    let problem = assert_problem(refused, 503).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("catalog"),
        "{problem}"
    );
    assert_eq!(
        service.calls.load(Ordering::SeqCst),
        3,
        "an open breaker does not call the service"
    );

    service.healthy.store(true, Ordering::SeqCst);
    let back = eventually(Duration::from_secs(10), || async {
        gw.fetch("/api/catalog/products").await.status() == 200
    })
    .await;
    assert!(back, "a probe after the pause finds the service healthy again");
    assert_eq!(service.calls.load(Ordering::SeqCst), 4, "one probe, then closed");
    assert_eq!(gw.fetch("/api/catalog/products").await.status(), 200);
}

#[tokio::test]
async fn a_read_is_retried_at_another_address_and_a_write_is_not() {
    let closed = format!("http://127.0.0.1:{}", kit::testing::free_port());
    let live = spawn_upstream().await;
    // A breaker that never opens here, so every call goes round both addresses.
    let policy = BreakerPolicy {
        threshold: 1_000,
        open_for: Duration::from_secs(60),
    };
    let gw = spawn_configured(Some(vec![closed, live]), |s| s.breaker = policy).await;
    let grant = gw.register("retry@example.com").await;
    let mut writes = Vec::new();
    for _ in 0..4 {
        let response = gw
            .post("/api/catalog/products")
            .bearer_auth(&grant.access_token)
            .body("{}")
            .send()
            .await
            .unwrap();
        writes.push(response.status().as_u16());
    }
    writes.sort_unstable();
    assert_eq!(
        writes,
        [200, 200, 502, 502],
        "a write reaches the down address and is not resent"
    );
    for _ in 0..6 {
        assert_eq!(
            gw.fetch("/api/catalog/products").await.status(),
            200,
            "reads never fail"
        );
    }
}

#[tokio::test]
async fn a_body_larger_than_its_route_takes_is_refused_before_the_service() {
    let gw = spawn_configured(None, |_| {}).await;
    let huge = "x".repeat(20 * 1024);
    let declared = gw
        .post("/api/identity/sessions")
        .body(huge.clone())
        .send()
        .await
        .unwrap();
    let problem = assert_problem(declared, 413).await;
    assert!(problem["detail"].as_str().unwrap().contains("16384"), "{problem}");

    let grant = gw.register("limits@example.com").await;
    let chunks = futures::stream::iter((0..20).map(|_| Ok::<_, std::io::Error>(vec![b'x'; 1024])));
    let streamed = gw
        .post("/api/catalog/products")
        .bearer_auth(&grant.access_token)
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_problem(streamed, 413).await;

    let fits = gw
        .post("/api/catalog/products")
        .bearer_auth(&grant.access_token)
        .body("x".repeat(8 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(fits.status(), 200);
    let echoed: serde_json::Value = fits.json().await.unwrap();
    assert_eq!(echoed["body"].as_str().unwrap().len(), 8 * 1024);
}

async fn echoed_forwarding(gw: &crate::helpers::TestGateway, claimed_for: &str) -> serde_json::Value {
    gw.get("/api/catalog/whoami")
        .header("x-forwarded-for", claimed_for)
        .header("x-client-address", "6.6.6.6")
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn forwarding_headers_are_believed_only_from_trusted_proxies() {
    let open = spawn_configured(None, |_| {}).await;
    let forged = echoed_forwarding(&open, "1.2.3.4").await;
    assert_eq!(forged["forwardedFor"], "127.0.0.1", "a client's claim is dropped");
    assert_eq!(forged["forwardedProto"], "http", "the configured scheme");
    assert_eq!(
        forged["clientAddress"], "127.0.0.1",
        "the client as resolved, not as claimed"
    );

    let behind_proxy = spawn_configured(None, |s| {
        s.forwarding = Forwarding {
            trusted: vec!["127.0.0.1/32".parse().unwrap()],
            proto: Scheme::Http,
        }
    })
    .await;
    let vouched = echoed_forwarding(&behind_proxy, "198.51.100.7").await;
    assert_eq!(vouched["forwardedFor"], "198.51.100.7, 127.0.0.1");
    assert_eq!(vouched["forwardedProto"], "https", "the proxy terminated TLS");
    assert_eq!(vouched["clientAddress"], "198.51.100.7");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_allowance() {
    let gw = spawn_configured(None, |s| {
        s.forwarding.trusted = vec!["127.0.0.1/32".parse().unwrap()];
        s.limits.per_second = 1;
        s.limits.burst = 1;
    })
    .await;
    let from = |client: IpAddr| {
        gw.get("/api/catalog/products")
            .header("x-forwarded-for", client.to_string())
            .send()
    };
    let (a, b): (IpAddr, IpAddr) = ("198.51.100.1".parse().unwrap(), "198.51.100.2".parse().unwrap());
    assert_eq!(from(a).await.unwrap().status(), 200);
    assert_eq!(
        from(a).await.unwrap().status(),
        429,
        "one client used its allowance"
    );
    assert_eq!(
        from(b).await.unwrap().status(),
        200,
        "another behind the same proxy has its own"
    );
}
