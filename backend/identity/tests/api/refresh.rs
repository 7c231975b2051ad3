//! Refresh rotation, reuse detection, and sign-out.

use contracts::identity::SessionGrant;

use crate::helpers::{refresh_cookie, spawn_app};

#[tokio::test]
async fn each_refresh_rotates_the_cookie_and_grants_a_working_token() {
    let app = spawn_app().await;
    let (_, first) = app.register("rotate").await;
    let response = app.post_with_cookie("/sessions/refresh", &first).await;
    assert_eq!(response.status(), 200);
    let second = refresh_cookie(&response).expect("rotated cookie");
    assert_ne!(first, second);
    let grant: SessionGrant = response.json().await.unwrap();
    assert_eq!(app.me(&grant.access_token).await.status(), 200);
    assert_eq!(
        app.post_with_cookie("/sessions/refresh", &second).await.status(),
        200
    );
}

#[tokio::test]
async fn reusing_an_old_refresh_token_revokes_the_whole_family() {
    let app = spawn_app().await;
    let (_, stolen) = app.register("reuse").await;
    let rotated = app.post_with_cookie("/sessions/refresh", &stolen).await;
    let current = refresh_cookie(&rotated).unwrap();

    let replay = app.post_with_cookie("/sessions/refresh", &stolen).await;
    assert_eq!(replay.status(), 401);
    let cleared = replay.headers()["set-cookie"].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    // The legitimate holder's newer token died with the family.
    assert_eq!(
        app.post_with_cookie("/sessions/refresh", &current).await.status(),
        401
    );

    // Another sign-in is a new family and works.
    let (_, other) = {
        let response = app
            .post(
                "/sessions",
                &serde_json::json!({"email": "ana.reuse@example.com", "password": "correct horse battery"}),
            )
            .await;
        (response.status(), refresh_cookie(&response).unwrap())
    };
    assert_eq!(
        app.post_with_cookie("/sessions/refresh", &other).await.status(),
        200
    );
}

#[tokio::test]
async fn signing_out_revokes_the_session_and_clears_the_cookie() {
    let app = spawn_app().await;
    let (_, refresh) = app.register("logout").await;
    let response = app
        .http
        .delete(format!("{}/sessions/current", app.base))
        .header("cookie", format!("mercado_refresh={refresh}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(
        app.post_with_cookie("/sessions/refresh", &refresh).await.status(),
        401
    );
}

#[tokio::test]
async fn unknown_or_missing_refresh_tokens_are_401() {
    let app = spawn_app().await;
    assert_eq!(
        app.post_with_cookie("/sessions/refresh", "made-up")
            .await
            .status(),
        401
    );
    let bare = app
        .http
        .post(format!("{}/sessions/refresh", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 401);
    assert_eq!(bare.headers()["content-type"], "application/problem+json");
}
