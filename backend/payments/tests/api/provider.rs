//! The provider client against the sandbox, over HTTP in Stripe's format: sessions are
//! created (once per idempotency key), read and expired; keys are checked; the sandbox's
//! events arrive signed in Stripe's scheme; and a service configured for Stripe runs the same
//! code against any Stripe-compatible API.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::routing::post;
use contracts::catalog::Money;
use contracts::inventory::InventoryReserved;
use mercado_payments::config::{Provider, Settings, SANDBOX_SECRET};
use mercado_payments::domain::signature;
use mercado_payments::events::reserved::session_params;
use mercado_payments::provider::wire::{Event, PaymentStatus, SessionStatus};
use mercado_payments::provider::ProviderError;
use tokio::sync::mpsc;

use crate::helpers::spawn_with;

const KEY: &str = "sk_test_suite";

/// A stand-in webhook endpoint: its URL, and what it receives (signature header, raw body).
async fn capture_webhooks() -> (String, mpsc::UnboundedReceiver<(Option<String>, Bytes)>) {
    let (sender, received) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: Bytes| {
            let sender = sender.clone();
            async move {
                let signature = headers
                    .get("stripe-signature")
                    .and_then(|v| v.to_str().ok())
                    .map(String::from);
                sender.send((signature, body)).ok();
                "{}"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

fn order(id: &str, cents: i64) -> InventoryReserved {
    InventoryReserved {
        order_id: id.into(),
        total: Money::eur(cents),
    }
}

#[tokio::test]
async fn the_client_speaks_stripes_api_to_the_sandbox() {
    let (hook, mut received) = capture_webhooks().await;
    let app = spawn_with(|s| {
        s.secret_key = KEY.into();
        s.sandbox_webhook_url = Some(hook.clone());
    })
    .await;
    let client = app.provider(KEY);
    let params = session_params(
        &Settings::with_service(test_service()),
        &order("order-wire", 2599),
    );

    let session = client.create_checkout_session(&params, "key-1").await.unwrap();
    assert!(session.id.starts_with("cs_test_"), "{}", session.id);
    assert_eq!(session.object, "checkout.session");
    assert_eq!(session.status, Some(SessionStatus::Open));
    assert_eq!(session.payment_status, PaymentStatus::Unpaid);
    assert_eq!(session.amount_total, Some(2599));
    assert_eq!(session.currency.as_deref(), Some("eur"));
    assert_eq!(session.client_reference_id.as_deref(), Some("order-wire"));
    let metadata = BTreeMap::from([("order_id".to_string(), "order-wire".to_string())]);
    assert_eq!(session.metadata.as_ref(), Some(&metadata));
    assert_eq!(session.success_url.as_deref(), Some("/account/orders/order-wire"));
    assert_eq!(
        session.expires_at - session.created,
        86_400,
        "Stripe's default: 24 h"
    );
    assert_eq!(
        session.url.as_deref(),
        Some(format!("/api/payments/sandbox/checkout/{}", session.id).as_str())
    );
    assert!(!session.livemode);

    // The same idempotency key gives the same session; another key, another one.
    let again = client.create_checkout_session(&params, "key-1").await.unwrap();
    assert_eq!(again.id, session.id);
    let other = client.create_checkout_session(&params, "key-2").await.unwrap();
    assert_ne!(other.id, session.id);
    assert_eq!(
        client.retrieve_checkout_session(&session.id).await.unwrap(),
        session
    );

    // Only the sandbox's own key opens its API; unknown sessions are Stripe's 404.
    let stranger = app
        .provider("sk_test_guess")
        .retrieve_checkout_session(&session.id)
        .await;
    assert!(
        matches!(stranger, Err(ProviderError::Refused { status: 401, .. })),
        "{stranger:?}"
    );
    let missing = client.retrieve_checkout_session("cs_test_nope").await;
    assert!(
        matches!(&missing, Err(ProviderError::Refused { status: 404, code: Some(c), .. }) if c == "resource_missing"),
        "{missing:?}"
    );

    // Paying on the hosted page sends a signed `checkout.session.completed`.
    let response = app.press(&session.id, "pay").await;
    assert_eq!(response.headers()["location"], "/account/orders/order-wire");
    let (header, body) = received.recv().await.unwrap();
    let now = kit::clock::unix_millis() / 1000;
    let header = header.unwrap();
    assert!(header.starts_with("t=") && header.contains(",v1="), "{header}");
    assert_eq!(
        signature::verify(SANDBOX_SECRET, Some(&header), &body, now, 300),
        Ok(())
    );
    let event: Event = serde_json::from_slice(&body).unwrap();
    assert!(event.id.starts_with("evt_"));
    assert_eq!(
        (event.object.as_str(), event.kind.as_str()),
        ("event", "checkout.session.completed")
    );
    assert!(!event.livemode && event.api_version.is_some());
    let paid = event.checkout_session().unwrap();
    assert_eq!(paid.id, session.id);
    assert_eq!(paid.status, Some(SessionStatus::Complete));
    assert_eq!(paid.payment_status, PaymentStatus::Paid);
    assert_eq!(paid.url, None, "a closed session has no pay page");

    // A paid session cannot be expired; an open one can, and the provider announces it.
    let refused = client.expire_checkout_session(&session.id).await;
    assert!(
        matches!(refused, Err(ProviderError::Refused { status: 400, .. })),
        "{refused:?}"
    );
    let expired = client.expire_checkout_session(&other.id).await.unwrap();
    assert_eq!(expired.status, Some(SessionStatus::Expired));
    let (_, body) = received.recv().await.unwrap();
    let event: Event = serde_json::from_slice(&body).unwrap();
    assert_eq!(event.kind, "checkout.session.expired");
    assert_eq!(event.checkout_session().unwrap().id, other.id);
}

#[tokio::test]
async fn the_sandbox_refuses_what_stripe_would_refuse_in_stripes_error_shape() {
    let app = spawn_with(|s| s.secret_key = KEY.into()).await;
    let url = format!("{}/sandbox/v1/checkout/sessions", app.base);
    let post = |body: &'static str| {
        app.http
            .post(&url)
            .bearer_auth(KEY)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    // Brackets percent-encoded, as a generic form encoder sends them, are understood.
    let encoded = "mode=payment&success_url=%2Fdone&line_items%5B0%5D%5Bquantity%5D=2\
        &line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=eur\
        &line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=150\
        &line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D=Tea";
    let created: serde_json::Value = post(encoded).await.unwrap().json().await.unwrap();
    assert_eq!(created["amount_total"], 300);
    for bad in [
        "mode=subscription&success_url=%2Fdone",
        "mode=payment&success_url=%2Fdone",
        "mode=payment&line_items[0][quantity]=0&line_items[0][price_data][currency]=eur\
         &line_items[0][price_data][unit_amount]=1&line_items[0][price_data][product_data][name]=x\
         &success_url=%2Fdone",
        "not a form at all",
    ] {
        let response = post(bad).await.unwrap();
        assert_eq!(response.status(), 400, "{bad}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["type"], "invalid_request_error", "{bad}");
        assert!(body["error"]["message"].is_string(), "{bad}");
    }
    let unsigned = app.http.post(&url).body(encoded).send().await.unwrap();
    assert_eq!(unsigned.status(), 401);
}

#[tokio::test]
async fn a_service_set_up_for_stripe_runs_the_same_code_against_any_stripe_compatible_api() {
    // Payments "A" plays Stripe (its sandbox is the API); payments "B" is configured as for
    // Stripe itself — PAYMENTS_PROVIDER=stripe, the API's URL and keys — and pays through it.
    let port_b = kit::testing::free_port();
    let secret = "whsec_shared_with_b";
    let stripe = spawn_with(|s| {
        s.secret_key = KEY.into();
        s.webhook_secret = secret.into();
        s.sandbox_webhook_url = Some(format!("http://127.0.0.1:{port_b}/webhooks/provider"));
    })
    .await;
    let store = spawn_with(|s| {
        s.service.port = port_b;
        s.provider = Provider::Stripe;
        s.provider_url = Some(format!("{}/sandbox", stripe.base));
        s.secret_key = KEY.into();
        s.webhook_secret = secret.into();
        s.storefront_url = "https://shop.example".into();
    })
    .await;

    let session = store.reserve("order-elsewhere", 4200).await;
    let created = &store.sessions.seen()[0].event;
    assert_eq!(
        created.checkout_url,
        format!("/api/payments/sandbox/checkout/{session}"),
        "the provider's pay page"
    );
    let own_page = store
        .http
        .get(format!("{}/sandbox/checkout/{session}", store.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        own_page.status(),
        404,
        "no sandbox in a service set up for Stripe"
    );
    assert!(stripe.page(&session).await.contains("€42.00"));

    let response = stripe.press(&session, "pay").await;
    assert_eq!(
        response.headers()["location"],
        "https://shop.example/account/orders/order-elsewhere"
    );
    let paid = store.succeeded.wait_for(1).await;
    assert_eq!(paid[0].event.order_id, "order-elsewhere");
    assert_eq!(paid[0].event.session_id, session);
}

fn test_service() -> kit::config::ServiceConfig {
    kit::config::ServiceConfig {
        name: "payments",
        host: "127.0.0.1".into(),
        port: 0,
        nats_url: "nats://127.0.0.1:1".into(),
        database_url: "sqlite::memory:".into(),
        stream_replicas: 1,
    }
}
