//! Signing in: success, no account probing, malformed input (throttling: `throttle.rs`).

use contracts::identity::SessionGrant;
use contracts::problem::Problem;
use serde_json::json;

use crate::helpers::{refresh_cookie, spawn_app};

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
async fn empty_fields_are_400_not_401() {
    let app = spawn_app().await;
    let response = app.post("/sessions", &json!({"email": "", "password": ""})).await;
    assert_eq!(response.status(), 400);
    let problem: Problem = response.json().await.unwrap();
    assert_eq!(problem.errors.len(), 2);
}
