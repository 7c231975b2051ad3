//! The API proxy: prefix stripping, pass-through, request ids, and failures as problems.

use std::time::Duration;

use crate::helpers::{spawn_gateway, spawn_gateway_with, GZIPPED_BODY};

#[tokio::test]
async fn strips_the_prefix_and_passes_everything_through() {
    let gw = spawn_gateway().await;
    // Writes need a user (only catalog reads are public), so this one is signed in.
    let grant = gw.register("proxy@example.com").await;
    let response = gw
        .post("/api/catalog/products/7?x=1&y=two")
        .bearer_auth(&grant.access_token)
        .header("x-request-id", "req-42")
        .header("connection", "keep-alive, x-secret-hop")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "req-42");
    let echoed: serde_json::Value = response.json().await.unwrap();
    assert_eq!(echoed["method"], "POST");
    assert_eq!(echoed["path"], "/products/7");
    assert_eq!(echoed["query"], "x=1&y=two");
    assert_eq!(echoed["body"], "hello");
    assert_eq!(echoed["requestId"], "req-42");
    assert_eq!(echoed["forwardedFor"], "127.0.0.1");
    assert!(echoed["connection"].is_null() || echoed["connection"] != "keep-alive, x-secret-hop");
}

#[tokio::test]
async fn generates_a_request_id_and_passes_statuses_through() {
    let gw = spawn_gateway().await;
    let response = gw.fetch("/api/catalog/anything").await;
    let generated = response.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(!generated.is_empty());
    let echoed: serde_json::Value = response.json().await.unwrap();
    assert_eq!(echoed["requestId"], generated.as_str());
    let teapot = gw.fetch("/api/catalog/status/418").await;
    assert_eq!(teapot.status(), 418);
}

#[tokio::test]
async fn a_compressed_answer_is_passed_on_byte_for_byte() {
    let gw = spawn_gateway().await;
    let response = gw
        .get("/api/catalog/gzipped")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(response.bytes().await.unwrap().as_ref(), GZIPPED_BODY);
}

#[tokio::test]
async fn a_services_own_headers_reach_the_client_once_each_and_hop_by_hop_ones_do_not() {
    let gw = spawn_gateway().await;
    let response = gw.fetch("/api/catalog/headers").await;
    assert_eq!(response.status(), 200);
    let headers = response.headers();
    let all = |name: &str| -> Vec<&str> {
        headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    };
    assert_eq!(
        all("set-cookie"),
        ["a=1; Path=/", "b=2; Path=/"],
        "both cookies, in order"
    );
    assert_eq!(all("x-shelf"), ["top"]);
    assert_eq!(
        all("x-request-id"),
        ["from-the-service"],
        "the service's id, not a second one"
    );
    assert_eq!(all("date").len(), 1, "one date");
    assert!(
        headers.get("keep-alive").is_none(),
        "hop-by-hop headers stop at the gateway"
    );
    assert_eq!(all("content-length"), ["12"]);
    assert_eq!(response.text().await.unwrap(), "with headers");
}

#[tokio::test]
async fn a_head_needs_what_its_get_needs() {
    let gw = spawn_gateway().await;
    let public = gw
        .http
        .head(gw.url("/api/catalog/products/7"))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 200);
    let private = gw.http.head(gw.url("/api/identity/me")).send().await.unwrap();
    assert_eq!(private.status(), 401);
}

async fn assert_problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    body
}
#[tokio::test]
async fn a_path_reaches_the_service_as_the_client_wrote_it() {
    let gw = spawn_gateway().await;
    // An encoded slash stays inside its segment, and the bare service root is its `/`.
    let echoed: serde_json::Value = gw
        .fetch("/api/catalog/products/a%2Fb%20c?q=x%26y")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(echoed["path"], "/products/a%2Fb%20c");
    assert_eq!(echoed["query"], "q=x%26y");
    let root: serde_json::Value = gw.fetch("/api/catalog?page=1").await.json().await.unwrap();
    assert_eq!(root["path"], "/");
    assert_eq!(root["query"], "page=1");
}

#[tokio::test]
async fn routes_are_matched_as_sent_like_the_services_do() {
    let gw = spawn_gateway().await;
    // Identity's API description is public; an encoded spelling of it is not that route (the
    // service's router would not take it for one either), so it gets the default: a user is
    // needed.
    assert_eq!(gw.fetch("/api/identity/openapi.json").await.status(), 200);
    assert_problem(gw.fetch("/api/identity/%6Fpenapi.json").await, 401).await;
}

#[tokio::test]
async fn unknown_service_and_bare_api_are_404_problems() {
    let gw = spawn_gateway().await;
    for path in ["/api/nosuch/x", "/api/nosuch", "/api", "/api/"] {
        assert_problem(gw.fetch(path).await, 404).await;
    }
}

#[tokio::test]
async fn service_down_is_a_502_problem() {
    let closed = format!("http://127.0.0.1:{}", kit::testing::free_port());
    let gw = spawn_gateway_with(Some(closed), Duration::from_secs(5)).await;
    let body = assert_problem(gw.fetch("/api/catalog/products").await, 502).await;
    assert!(body["detail"].as_str().unwrap().contains("catalog"));
}

#[tokio::test]
async fn slow_service_is_a_504_problem() {
    let gw = spawn_gateway_with(None, Duration::from_millis(200)).await;
    assert_problem(gw.fetch("/api/catalog/hang").await, 504).await;
}

#[tokio::test]
async fn answers_are_counted_per_service_and_status_class() {
    let gw = spawn_gateway().await;
    assert_eq!(gw.fetch("/api/catalog/status/404").await.status(), 404);
    assert_eq!(gw.fetch("/api/catalog/products").await.status(), 200);
    assert_eq!(gw.fetch("/api/nosuch/x").await.status(), 404);
    let metrics = gw.fetch("/metrics").await.text().await.unwrap();
    for series in [
        r#"gateway_upstream_requests_total{service="catalog",class="2xx"}"#,
        r#"gateway_upstream_requests_total{service="catalog",class="4xx"}"#,
        r#"gateway_upstream_response_seconds_bucket{service="catalog",le="0.005"}"#,
    ] {
        assert!(metrics.contains(series), "{series} missing from\n{metrics}");
    }
    assert!(
        !metrics.contains(r#"service="nosuch""#),
        "a request cannot mint a series"
    );
}

/// `(trace id, parent span id)` of a W3C `traceparent`.
fn trace_parts(traceparent: &str) -> (String, String) {
    let parts: Vec<&str> = traceparent.split('-').collect();
    assert_eq!(parts.len(), 4, "{traceparent}");
    assert_eq!((parts[1].len(), parts[2].len()), (32, 16), "{traceparent}");
    (parts[1].to_string(), parts[2].to_string())
}

#[tokio::test]
async fn a_service_is_called_as_a_child_of_the_callers_trace() {
    let gw = spawn_gateway().await;
    let browser = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let echoed: serde_json::Value = gw
        .get("/api/catalog/products")
        .header("traceparent", browser)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (trace, parent) = trace_parts(echoed["traceparent"].as_str().unwrap());
    assert_eq!(
        trace, "4bf92f3577b34da6a3ce929d0e0e4736",
        "the browser's trace goes on"
    );
    assert_ne!(
        parent, "00f067aa0ba902b7",
        "the service's parent is the gateway's span"
    );

    let started: serde_json::Value = gw.fetch("/api/catalog/products").await.json().await.unwrap();
    let (new_trace, _) = trace_parts(started["traceparent"].as_str().unwrap());
    assert_ne!(
        new_trace,
        "0".repeat(32),
        "without one from the client, the gateway starts a trace"
    );
    assert_ne!(new_trace, trace);
}
