//! The webhook under attack: unsigned, forged, tampered, replayed and future-dated events are
//! 400s and change nothing; a re-sent event is recognised; events the store does not act on
//! are acknowledged and change nothing.

use mercado_payments::config::SANDBOX_SECRET;
use mercado_payments::domain::signature::sign;
use serde_json::json;

use crate::helpers::{spawn_app, TestApp};

/// A Stripe Event of `kind` about `session`, as Stripe renders it.
fn event(id: &str, kind: &str, session: &str) -> String {
    json!({
        "id": id, "object": "event", "api_version": "2025-04-30.basil", "created": now(),
        "livemode": false, "pending_webhooks": 1, "type": kind,
        "request": {"id": null, "idempotency_key": null},
        "data": {"object": {
            "id": session, "object": "checkout.session", "amount_total": 1500, "currency": "eur",
            "client_reference_id": "order-attack", "created": now(), "expires_at": now() + 86400,
            "livemode": false, "metadata": {"order_id": "order-attack"}, "mode": "payment",
            "payment_status": "paid", "status": "complete", "success_url": "/account/orders/order-attack",
            "cancel_url": null, "url": null
        }}
    })
    .to_string()
}

fn completed(id: &str, session: &str) -> String {
    event(id, "checkout.session.completed", session)
}

fn now() -> i64 {
    kit::clock::unix_millis() / 1000
}

/// Posts each case and expects a 400 problem for it.
async fn all_refused(app: &TestApp, cases: Vec<(&str, String, Option<String>)>) {
    for (what, body, signature) in cases {
        let response = app.webhook(&body, signature.as_deref()).await;
        assert_eq!(response.status(), 400, "{what}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{what}"
        );
    }
}

#[tokio::test]
async fn unsigned_forged_tampered_and_replayed_webhooks_change_nothing() {
    let app = spawn_app().await;
    let session = app.reserve("order-attack", 1500).await;
    let body = completed("evt_1", &session);
    let good = sign(SANDBOX_SECRET, now(), body.as_bytes());
    let cases = vec![
        ("unsigned", body.clone(), None),
        (
            "forged",
            body.clone(),
            Some(sign("whsec_guess", now(), body.as_bytes())),
        ),
        ("tampered", completed("evt_1", "cs_other"), Some(good.clone())),
        (
            "replayed",
            body.clone(),
            Some(sign(SANDBOX_SECRET, now() - 3600, body.as_bytes())),
        ),
        ("garbage header", body.clone(), Some("t=x,v1=zz".to_string())),
    ];
    all_refused(&app, cases).await;
    app.settle().await;
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
    app.settle().await;
    assert_eq!(app.succeeded.seen().len(), 1, "paid once");
}

#[tokio::test]
async fn a_webhook_signed_in_the_future_beyond_the_tolerance_is_refused() {
    let app = spawn_app().await;
    let session = app.reserve("order-future", 1500).await;
    let body = completed("evt_future", &session);
    // The tolerance is 300 s either way: a minute past it, whatever the test's own delay.
    let cases = vec![
        (
            "signed 6 minutes ahead",
            body.clone(),
            Some(sign(SANDBOX_SECRET, now() + 360, body.as_bytes())),
        ),
        (
            "signed a day ahead",
            body.clone(),
            Some(sign(SANDBOX_SECRET, now() + 86_400, body.as_bytes())),
        ),
    ];
    all_refused(&app, cases).await;
    app.settle().await;
    assert!(app.succeeded.seen().is_empty(), "nothing was paid");
    assert!(app.page(&session).await.contains("Pay €15.00"));

    // A clock a little ahead of ours is within the tolerance: the same event goes through.
    let skewed = sign(SANDBOX_SECRET, now() + 60, body.as_bytes());
    assert_eq!(app.webhook(&body, Some(&skewed)).await.status(), 200);
    app.succeeded.wait_for(1).await;
}

#[tokio::test]
async fn an_unknown_session_is_400_and_other_event_types_are_acknowledged_without_effect() {
    let app = spawn_app().await;
    let body = completed("evt_2", "cs_nope");
    let response = app
        .webhook(&body, Some(&sign(SANDBOX_SECRET, now(), body.as_bytes())))
        .await;
    assert_eq!(response.status(), 400);

    // A Stripe endpoint may be subscribed to more than the store uses: those are answered
    // 200 (or Stripe would retry them for days) and change nothing.
    let session = app.reserve("order-other", 900).await;
    let odd = event("evt_3", "charge.refunded", &session);
    let response = app
        .webhook(&odd, Some(&sign(SANDBOX_SECRET, now(), odd.as_bytes())))
        .await;
    assert_eq!(response.status(), 200);
    let receipt: serde_json::Value = response.json().await.unwrap();
    assert_eq!(receipt["ignored"], true);
    app.settle().await;
    assert!(app.succeeded.seen().is_empty() && app.failed.seen().is_empty());
    assert!(app.page(&session).await.contains("Pay €9.00"), "still open");
}

#[tokio::test]
async fn a_completed_session_awaiting_a_delayed_payment_is_paid_by_its_async_event() {
    let app = spawn_app().await;
    let session = app.reserve("order-async", 1500).await;
    let pending = completed("evt_4", &session).replace("\"paid\"", "\"unpaid\"");
    let signed = sign(SANDBOX_SECRET, now(), pending.as_bytes());
    let receipt: serde_json::Value = app.webhook(&pending, Some(&signed)).await.json().await.unwrap();
    assert_eq!(receipt["ignored"], true, "not paid yet");
    app.settle().await;
    assert!(app.succeeded.seen().is_empty());

    let settled = event("evt_5", "checkout.session.async_payment_succeeded", &session);
    let signed = sign(SANDBOX_SECRET, now(), settled.as_bytes());
    assert_eq!(app.webhook(&settled, Some(&signed)).await.status(), 200);
    let paid = app.succeeded.wait_for(1).await;
    assert_eq!(paid[0].event.order_id, "order-async");
}
