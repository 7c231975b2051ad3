//! The webhook under attack: unsigned, forged, tampered and replayed events are 400s and
//! change nothing; a re-sent event is recognised.

use mercado_payments::config::SANDBOX_SECRET;
use mercado_payments::domain::signature::sign;
use serde_json::json;

use crate::helpers::{settle, spawn_app};

fn event(id: &str, session: &str) -> String {
    json!({"id": id, "type": "checkout.session.completed", "data": {"session_id": session}}).to_string()
}

fn now() -> i64 {
    kit::clock::unix_millis() / 1000
}

#[tokio::test]
async fn unsigned_forged_tampered_and_replayed_webhooks_change_nothing() {
    let app = spawn_app().await;
    let session = app.reserve("order-attack", 1500).await;
    let body = event("evt_1", &session);
    let good = sign(SANDBOX_SECRET, now(), body.as_bytes());
    let cases = [
        ("unsigned", body.clone(), None),
        (
            "forged",
            body.clone(),
            Some(sign("whsec_guess", now(), body.as_bytes())),
        ),
        ("tampered", event("evt_1", "cs_other"), Some(good.clone())),
        (
            "replayed",
            body.clone(),
            Some(sign(SANDBOX_SECRET, now() - 3600, body.as_bytes())),
        ),
        ("garbage header", body.clone(), Some("t=x,v1=zz".to_string())),
    ];
    for (what, body, signature) in cases {
        let response = app.webhook(&body, signature.as_deref()).await;
        assert_eq!(response.status(), 400, "{what}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{what}"
        );
    }
    settle().await;
    assert!(app.succeeded.seen().is_empty(), "nothing was paid");
    assert!(
        app.page(&session).await.contains("Pay €15.00"),
        "the session is still open"
    );

    // The genuine event works, and a re-sent copy is recognised as a duplicate.
    let first: serde_json::Value = app.webhook(&body, Some(&good)).await.json().await.unwrap();
    assert_eq!(first["duplicate"], false);
    let again: serde_json::Value = app.webhook(&body, Some(&good)).await.json().await.unwrap();
    assert_eq!(again["duplicate"], true);
    app.succeeded.wait_for(1).await;
    settle().await;
    assert_eq!(app.succeeded.seen().len(), 1, "paid once");
}

#[tokio::test]
async fn unknown_sessions_and_event_types_are_400() {
    let app = spawn_app().await;
    let body = event("evt_2", "cs_nope");
    let response = app
        .webhook(&body, Some(&sign(SANDBOX_SECRET, now(), body.as_bytes())))
        .await;
    assert_eq!(response.status(), 400);
    let odd =
        json!({"id": "evt_3", "type": "charge.refunded", "data": {"session_id": "cs_nope"}}).to_string();
    let response = app
        .webhook(&odd, Some(&sign(SANDBOX_SECRET, now(), odd.as_bytes())))
        .await;
    assert_eq!(response.status(), 400);
}
