//! Passwords and tokens never reach the logs, even at debug level.

use serde_json::json;

use crate::helpers::{captured_logs, refresh_cookie, spawn_app};

#[tokio::test]
async fn no_password_or_token_is_ever_logged() {
    let app = spawn_app().await;
    let password = "unmistakable-Passphrase-9731";
    let register = app
        .post(
            "/users",
            &json!({"name": "Log Test", "email": "logs@example.com", "password": password}),
        )
        .await;
    assert_eq!(register.status(), 201);
    let first_refresh = refresh_cookie(&register).unwrap();
    let grant: contracts::identity::SessionGrant = register.json().await.unwrap();
    let sign_in = app
        .post(
            "/sessions",
            &json!({"email": "logs@example.com", "password": password}),
        )
        .await;
    assert_eq!(sign_in.status(), 200);
    let wrong = app
        .post(
            "/sessions",
            &json!({"email": "logs@example.com", "password": "wrong-Passphrase-1234"}),
        )
        .await;
    assert_eq!(wrong.status(), 401);
    let refreshed = app.post_with_cookie("/sessions/refresh", &first_refresh).await;
    let second_refresh = refresh_cookie(&refreshed).unwrap();
    assert_eq!(app.me(&grant.access_token).await.status(), 200);
    // Reuse is logged as a warning: the log must name the family, not the token.
    assert_eq!(
        app.post_with_cookie("/sessions/refresh", &first_refresh)
            .await
            .status(),
        401
    );

    let logs = captured_logs();
    assert!(logs.contains("refresh token reuse"), "the flow was logged at all");
    for secret in [
        password,
        "wrong-Passphrase-1234",
        &first_refresh,
        &second_refresh,
        &grant.access_token,
    ] {
        assert!(!logs.contains(secret), "a secret leaked into the logs");
    }
}
