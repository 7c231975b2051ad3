//! Registering: the happy path, and bad input that must change nothing.

use contracts::identity::{SessionGrant, UserProfile};
use contracts::problem::Problem;
use serde_json::json;

use crate::helpers::{new_user, refresh_cookie, spawn_app};

#[tokio::test]
async fn registering_signs_in_with_an_access_token_and_an_http_only_cookie() {
    let app = spawn_app().await;
    let response = app.post("/users", &new_user("happy")).await;
    assert_eq!(response.status(), 201);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_string();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/api/identity/sessions"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    let grant: SessionGrant = response.json().await.unwrap();
    assert_eq!(grant.user.email, "ana.happy@example.com");
    assert_eq!(grant.expires_in, 900);

    let me = app.me(&grant.access_token).await;
    assert_eq!(me.status(), 200);
    let profile: UserProfile = me.json().await.unwrap();
    assert_eq!(profile, grant.user);
}

#[tokio::test]
async fn a_taken_email_is_409_whatever_its_case() {
    let app = spawn_app().await;
    app.register("dup").await;
    let mut again = new_user("dup");
    again["email"] = json!("  ANA.DUP@Example.com ");
    let response = app.post("/users", &again).await;
    assert_eq!(response.status(), 409);
    assert!(refresh_cookie(&response).is_none());
    let problem: Problem = response.json().await.unwrap();
    assert_eq!(problem.errors[0].field, "email");
}

#[tokio::test]
async fn weak_password_and_malformed_email_are_400_with_field_errors_and_create_nothing() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/users",
            &json!({"name": "Bo", "email": "bo-at-example", "password": "1234567890"}),
        )
        .await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let problem: Problem = response.json().await.unwrap();
    let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["email", "password"]);

    // Nothing was created: the same email with a good password registers fine.
    let fixed = json!({"name": "Bo", "email": "bo@example.com", "password": "1234567890"});
    assert_eq!(
        app.post("/users", &fixed).await.status(),
        400,
        "common password refused"
    );
    let good = json!({"name": "Bo", "email": "bo@example.com", "password": "a long good passphrase"});
    assert_eq!(app.post("/users", &good).await.status(), 201);
}

#[tokio::test]
async fn malformed_json_is_a_problem_not_a_crash() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(format!("{}/users", app.base))
        .header("content-type", "application/json")
        .body("{\"name\":")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}
