//! The shopper's side: a session opens for a reserved order, the sandbox pay page pays or
//! declines, and an unpaid session times out.

use std::time::Duration;

use mercado_payments::provider::wire::{
    CreateCheckoutSession, LineItem, PriceData, ProductData, SessionStatus,
};

use crate::helpers::{spawn_app, spawn_with};

#[tokio::test]
async fn paying_on_the_sandbox_page_publishes_succeeded_and_returns_to_the_order() {
    let app = spawn_app().await;
    let session = app.reserve("order-pay", 2599).await;
    let created = &app.sessions.seen()[0].event;
    assert_eq!(
        created.checkout_url,
        format!("/api/payments/sandbox/checkout/{session}")
    );
    let page = app.page(&session).await;
    assert!(page.contains("€25.99"), "the page shows the amount");

    let response = app.press(&session, "pay").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/account/orders/order-pay");
    let paid = app.succeeded.wait_for(1).await;
    assert_eq!(paid[0].event.order_id, "order-pay");

    // Pressing again changes nothing: the session is closed.
    assert_eq!(app.press(&session, "pay").await.status(), 303);
    assert!(app.page(&session).await.contains("This payment is paid."));
    app.settle().await;
    assert_eq!(app.succeeded.seen().len(), 1);
}

#[tokio::test]
async fn declining_publishes_failed_with_the_reason() {
    let app = spawn_app().await;
    let session = app.reserve("order-decline", 1000).await;
    assert_eq!(app.press(&session, "decline").await.status(), 303);
    let failed = app.failed.wait_for(1).await;
    assert_eq!(failed[0].event.order_id, "order-decline");
    assert_eq!(failed[0].event.reason, "Payment declined.");
    app.settle().await;
    assert!(app.succeeded.seen().is_empty(), "nothing charged");
}

#[tokio::test]
async fn an_unpaid_session_times_out_and_cannot_be_paid_after() {
    let app = spawn_with(|s| {
        s.payment_timeout = Duration::from_secs(1);
        s.expiry_sweep = Duration::from_millis(100);
    })
    .await;
    let session = app.reserve("order-late", 500).await;
    let failed = app.failed.wait_for(1).await;
    assert_eq!(failed[0].event.reason, "Payment timed out.");
    assert!(app.page(&session).await.contains("This payment is expired."));
    app.press(&session, "pay").await;
    app.settle().await;
    assert!(
        app.succeeded.seen().is_empty(),
        "a timed-out session is never paid"
    );
}

#[tokio::test]
async fn a_payment_whose_event_never_arrived_is_found_at_the_provider_instead_of_timing_out() {
    // The provider's events go nowhere, as when payments was down for all of its re-sends.
    let nowhere = format!("http://127.0.0.1:{}/webhooks/provider", kit::testing::free_port());
    let app = spawn_with(move |s| {
        s.payment_timeout = Duration::from_secs(1);
        s.expiry_sweep = Duration::from_millis(100);
        s.sandbox_webhook_url = Some(nowhere.clone());
    })
    .await;
    let session = app.reserve("order-paid-unheard", 1200).await;
    app.press(&session, "pay").await;
    let succeeded = app.succeeded.wait_for(1).await;
    assert_eq!(succeeded[0].event.order_id, "order-paid-unheard");
    app.settle().await;
    assert!(
        app.failed.seen().is_empty(),
        "money the shopper paid never turns into a timed-out order"
    );
}

#[tokio::test]
async fn one_order_gets_one_session_even_if_reserved_twice() {
    let app = spawn_app().await;
    app.reserve("order-once", 700).await;
    let envelope = contracts::messaging::Envelope {
        id: uuid::Uuid::now_v7().to_string(),
        occurred_at: kit::clock::now_rfc3339(),
        event: contracts::inventory::InventoryReserved {
            order_id: "order-once".into(),
            total: contracts::catalog::Money::eur(700),
        },
    };
    app.bus.publish(&envelope).await.unwrap();
    app.settle().await;
    assert_eq!(app.sessions.seen().len(), 1);
}

/// A reservation announced again after its order was paid: the provider answers the repeated
/// key with the session it made, now closed and without a pay page. Still one session and
/// one payment, and nothing dead-lettered for a person to look at.
#[tokio::test]
async fn a_reservation_again_after_payment_changes_nothing_and_is_not_dead_lettered() {
    let app = spawn_app().await;
    let session = app.reserve("order-paid-first", 900).await;
    assert_eq!(app.press(&session, "pay").await.status(), 303);
    app.succeeded.wait_for(1).await;
    let again = contracts::messaging::Envelope {
        id: uuid::Uuid::now_v7().to_string(),
        occurred_at: kit::clock::now_rfc3339(),
        event: contracts::inventory::InventoryReserved {
            order_id: "order-paid-first".into(),
            total: contracts::catalog::Money::eur(900),
        },
    };
    app.bus.publish(&again).await.unwrap();
    app.settle().await;
    assert_eq!(app.sessions.seen().len(), 1);
    assert_eq!(app.succeeded.seen().len(), 1);
    let dead_letters = async_nats::jetstream::new(app.nats.clone())
        .get_stream(contracts::messaging::DEAD_LETTER_STREAM.name)
        .await
        .unwrap()
        .get_last_raw_message_by_subject(&contracts::messaging::dead_letter_subject(
            mercado_payments::events::reserved::CONSUMER,
        ))
        .await;
    assert!(dead_letters.is_err(), "the repeat was dead-lettered");
}

#[tokio::test]
async fn with_auto_pay_the_sandbox_pays_each_session_once_through_the_webhook() {
    let app = spawn_with(|settings| settings.sandbox_auto_pay = true).await;
    let session = app.reserve("order-auto", 1250).await;
    let paid = app.succeeded.wait_for(1).await;
    assert_eq!(paid[0].event.order_id, "order-auto");
    assert_eq!(paid[0].event.session_id, session);
    assert!(app.page(&session).await.contains("This payment is paid."));
    app.settle().await;
    assert_eq!(app.succeeded.seen().len(), 1);
}

/// The sandbox's shopper pays what the store announces, not what the provider has just
/// created: payments has not committed a session yet when the provider answers, and the
/// webhook refuses events about sessions it does not know.
#[tokio::test]
async fn with_auto_pay_a_session_is_paid_only_once_payments_announces_it() {
    let app = spawn_with(|settings| {
        settings.sandbox_auto_pay = true;
        settings.secret_key = "sk_test_suite".into();
    })
    .await;
    // Created at the provider, never announced by payments (as if payments had crashed
    // before committing it).
    let provider = app.provider("sk_test_suite");
    let unannounced = provider
        .create_checkout_session(&one_line("order-unannounced", 900), "unannounced")
        .await
        .unwrap();
    // A session the saga opens and announces is paid...
    let announced = app.reserve("order-announced", 1100).await;
    let paid = app.succeeded.wait_for(1).await;
    assert_eq!(paid[0].event.session_id, announced);
    // ...and the one created long before it, unannounced, is still open.
    let seen = provider.retrieve_checkout_session(&unannounced.id).await.unwrap();
    assert_eq!(seen.status, Some(SessionStatus::Open));
    app.settle().await;
    assert_eq!(app.succeeded.seen().len(), 1);
}

fn one_line(order_id: &str, cents: i64) -> CreateCheckoutSession {
    CreateCheckoutSession {
        mode: "payment".into(),
        line_items: vec![LineItem {
            price_data: PriceData {
                currency: "eur".into(),
                unit_amount: cents,
                product_data: ProductData {
                    name: format!("Mercado order {order_id}"),
                },
            },
            quantity: 1,
        }],
        client_reference_id: Some(order_id.into()),
        metadata: Default::default(),
        success_url: format!("/account/orders/{order_id}"),
        cancel_url: None,
        expires_at: None,
    }
}

#[tokio::test]
async fn a_session_expired_at_the_provider_fails_as_timed_out() {
    let app = spawn_with(|s| s.secret_key = "sk_test_suite".into()).await;
    let session = app.reserve("order-expired", 800).await;
    // As someone expiring it in Stripe's dashboard would: the provider announces it.
    let expired = app
        .provider("sk_test_suite")
        .expire_checkout_session(&session)
        .await;
    assert!(expired.is_ok(), "{expired:?}");
    let failed = app.failed.wait_for(1).await;
    assert_eq!(failed[0].event.order_id, "order-expired");
    assert_eq!(failed[0].event.reason, "Payment timed out.");
    assert!(app.page(&session).await.contains("This payment is expired."));
    app.press(&session, "pay").await;
    app.settle().await;
    assert!(
        app.succeeded.seen().is_empty(),
        "an expired session is never paid"
    );
}
