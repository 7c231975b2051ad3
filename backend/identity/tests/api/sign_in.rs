//! Signing in: success, no account probing, and the per-email limit.

use contracts::identity::SessionGrant;
use contracts::problem::Problem;
use serde_json::json;

use crate::helpers::{refresh_cookie, spawn_app, spawn_with};

#[tokio::test]
async fn signing_in_returns_a_working_token_and_a_new_session() {
    let app = spawn_app().await;
    let (registered, _) = app.register("signin").await;
    let response = app
        .post(
            "/sessions",
            &json!({"email": "Ana.Signin@example.com", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(refresh_cookie(&response).is_some());
    let grant: SessionGrant = response.json().await.unwrap();
    assert_eq!(grant.user.id, registered.user.id);
    assert_eq!(app.me(&grant.access_token).await.status(), 200);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_answer_identically() {
    let app = spawn_app().await;
    app.register("probe").await;
    let wrong = app
        .post(
            "/sessions",
            &json!({"email": "ana.probe@example.com", "password": "not the password"}),
        )
        .await;
    let unknown = app
        .post(
            "/sessions",
            &json!({"email": "nobody@example.com", "password": "not the password"}),
        )
        .await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    assert!(refresh_cookie(&wrong).is_none());
    let strip = |mut p: Problem| {
        p.request_id = None;
        p
    };
    let wrong: Problem = wrong.json().await.unwrap();
    let unknown: Problem = unknown.json().await.unwrap();
    assert_eq!(strip(wrong), strip(unknown));
}

#[tokio::test]
async fn brute_force_on_one_email_gets_429_with_retry_after() {
    // Registering counts as the email's first attempt; three wrong guesses use up the rest.
    let app = spawn_with(|s| s.sign_in_per_email_per_minute = 4).await;
    app.register("brute").await;
    let attempt = json!({"email": "ana.brute@example.com", "password": "guess guess guess"});
    for _ in 0..3 {
        assert_eq!(app.post("/sessions", &attempt).await.status(), 401);
    }
    let limited = app.post("/sessions", &attempt).await;
    assert_eq!(limited.status(), 429);
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    // Even the right password is refused now: the limit is on the email, not on failures.
    let right = json!({"email": "ana.brute@example.com", "password": "correct horse battery"});
    assert_eq!(app.post("/sessions", &right).await.status(), 429);
    // Another email is unaffected.
    app.register("other").await;
    let other = json!({"email": "ana.other@example.com", "password": "correct horse battery"});
    assert_eq!(app.post("/sessions", &other).await.status(), 200);
}

#[tokio::test]
async fn empty_fields_are_400_not_401() {
    let app = spawn_app().await;
    let response = app.post("/sessions", &json!({"email": "", "password": ""})).await;
    assert_eq!(response.status(), 400);
    let problem: Problem = response.json().await.unwrap();
    assert_eq!(problem.errors.len(), 2);
}
