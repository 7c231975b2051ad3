//! The gateway's access checks and rate limits, with the real identity service behind it.

use std::time::Duration;

use mercado_gateway::config::RateLimits;
use serde_json::{json, Value};

use crate::helpers::{spawn_gateway, spawn_gateway_limited, TestGateway};

#[tokio::test]
async fn client_sent_identity_headers_never_reach_a_service() {
    let gateway = spawn_gateway().await;
    let echoed: Value = gateway
        .get("/api/catalog/products")
        .header("x-user-id", "someone-else")
        .header("x-user-name", "Admin")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(echoed["userId"], Value::Null);
}

#[tokio::test]
async fn a_valid_token_passes_the_verified_user_on() {
    let gateway = spawn_gateway().await;
    let grant = gateway.register("pass-on@example.com").await;
    let echoed: Value = gateway
        .get("/api/catalog/products")
        .bearer_auth(&grant.access_token)
        .header("x-user-id", "someone-else")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(echoed["userId"], json!(grant.user.id));
    assert_eq!(
        echoed["authorization"],
        json!(format!("Bearer {}", grant.access_token))
    );
}

#[tokio::test]
async fn protected_routes_need_a_valid_token() {
    let gateway = spawn_gateway().await;
    let grant = gateway.register("protected@example.com").await;
    let me = |token: Option<String>| {
        let mut request = gateway.get("/api/identity/me");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let anonymous = me(None).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers()["content-type"], "application/problem+json");
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");

    let mut tampered = grant.access_token.clone();
    tampered.pop();
    assert_eq!(me(Some(tampered.clone())).await.unwrap().status(), 401);
    // A bad token is refused even on a public route: the client should refresh, not be
    // silently treated as anonymous.
    let public = gateway
        .get("/api/catalog/products")
        .bearer_auth(&tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 401);

    let signed_in = me(Some(grant.access_token.clone())).await.unwrap();
    assert_eq!(signed_in.status(), 200);
    let profile: Value = signed_in.json().await.unwrap();
    assert_eq!(profile["email"], "protected@example.com");

    // Routes not in the table are protected by default.
    let unlisted = gateway.fetch("/api/identity/healthz").await;
    assert_eq!(unlisted.status(), 401);
}

#[tokio::test]
async fn a_client_over_its_allowance_gets_429_with_retry_after() {
    let gateway = spawn_gateway_limited(RateLimits {
        per_second: 1,
        burst: 5,
        auth_per_minute: 100,
    })
    .await;
    for _ in 0..5 {
        let ok = gateway.fetch("/api/catalog/products").await;
        assert_eq!(ok.status(), 200);
    }
    let limited = gateway.fetch("/api/catalog/products").await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["content-type"], "application/problem+json");
    assert_eq!(limited.headers()["retry-after"], "1");
    // The web itself is not limited: the shell still loads.
    let shell = gateway.fetch("/").await;
    assert_eq!(shell.status(), 200);
}

/// `POST /api/identity/sessions` with `email` and `password`.
async fn sign_in(gateway: &TestGateway, email: &str, password: &str) -> reqwest::Response {
    let body = json!({"email": email, "password": password});
    let request = gateway.post("/api/identity/sessions").json(&body);
    request.send().await.expect("the gateway answers")
}

#[tokio::test]
async fn fifty_shoppers_behind_one_address_sign_in_within_a_minute() {
    // Default limits: every request here comes from 127.0.0.1, like an office behind one address.
    let gateway = spawn_gateway().await;
    let emails: Vec<String> = (0..50).map(|n| format!("shopper{n}@example.com")).collect();
    for email in &emails {
        gateway.register(email).await;
    }
    let started = std::time::Instant::now();
    for (n, email) in emails.iter().enumerate() {
        if n % 10 == 0 {
            // Some mistype first; failures are counted, but far from any limit.
            let typo = sign_in(&gateway, email, "not the password").await;
            assert_eq!(typo.status(), 401);
        }
        let response = sign_in(&gateway, email, "correct horse battery").await;
        assert_eq!(response.status(), 200, "shopper {n}");
    }
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[tokio::test]
async fn guessing_one_account_through_the_gateway_is_stopped_by_identity() {
    let gateway = spawn_gateway().await;
    gateway.register("owner@example.com").await;
    for _ in 0..10 {
        let guess = sign_in(&gateway, "owner@example.com", "guess guess guess").await;
        assert_eq!(guess.status(), 401);
    }
    let stopped = sign_in(&gateway, "owner@example.com", "guess guess guess").await;
    assert_eq!(stopped.status(), 429);
    assert_eq!(stopped.headers()["content-type"], "application/problem+json");
    let wait: u64 = stopped.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (850..=900).contains(&wait),
        "identity's quarter-hour window: {wait}"
    );
    // Another shopper at the same address is not affected.
    gateway.register("neighbour@example.com").await;
    let neighbour = sign_in(&gateway, "neighbour@example.com", "correct horse battery").await;
    assert_eq!(neighbour.status(), 200);
}

#[tokio::test]
async fn a_flood_of_credential_posts_is_429_before_reaching_identity() {
    let gateway = spawn_gateway_limited(RateLimits {
        per_second: 100,
        burst: 100,
        auth_per_minute: 3,
    })
    .await;
    let attempt = json!({"email": "victim@example.com", "password": "guess guess guess"});
    for _ in 0..3 {
        let response = gateway
            .post("/api/identity/sessions")
            .json(&attempt)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
    let limited = gateway
        .post("/api/identity/sessions")
        .json(&attempt)
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), 429);
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    // Browsing is not affected by the credentials guard.
    let browse = gateway.fetch("/api/catalog/products").await;
    assert_eq!(browse.status(), 200);
}
