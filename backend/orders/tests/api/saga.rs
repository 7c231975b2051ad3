//! An order through the saga: placed, reserved, paid, shipped — or cancelled with a reason —
//! exactly once, whatever order the answers arrive in.

use std::time::Duration;

use contracts::messaging::dead_letter_headers;
use contracts::orders::{OrderCancelled, OrderPaid, OrderStatus, OrderView};
use contracts::payments::{PaymentFailed, PaymentSessionCreated, PaymentSucceeded};
use contracts::shipping::ShipmentCreated;
use kit::testing::{wait_dead_letters, wait_handled, wait_outbox_published, Recorder};

use crate::helpers::spawn_app;

/// How long a test waits for the saga to get somewhere.
const PATIENCE: Duration = Duration::from_secs(10);

fn statuses(view: &OrderView) -> Vec<OrderStatus> {
    view.history.iter().map(|h| h.status).collect()
}

#[tokio::test]
async fn an_order_goes_from_placed_to_shipped_and_leaves_the_cart() {
    let app = spawn_app().await;
    let token = app.shopper("happy@example.com").await;
    let total = app.fill_cart(&token, &[(3, 2), (4, 1)]).await;
    let stock_before = app.available(3).await;

    let response = app.place(&token, total, None).await;
    assert_eq!(response.status(), 201);
    let placed: OrderView = response.json().await.unwrap();
    assert_eq!(placed.status, OrderStatus::Pending);
    assert_eq!(placed.total.cents, total);
    assert_eq!(placed.lines.len(), 2);

    // Inventory (real) holds the stock on orders.created.
    app.wait_available(3, stock_before - 2).await;

    app.publish(PaymentSessionCreated {
        order_id: placed.id.clone(),
        session_id: "cs_1".into(),
        checkout_url: "/pay/cs_1".into(),
    })
    .await;
    let awaiting = app
        .wait_status(&token, &placed.id, OrderStatus::AwaitingPayment)
        .await;
    assert_eq!(awaiting.checkout_url.as_deref(), Some("/pay/cs_1"));

    app.publish(PaymentSucceeded {
        order_id: placed.id.clone(),
        session_id: "cs_1".into(),
    })
    .await;
    app.wait_status(&token, &placed.id, OrderStatus::Paid).await;
    // orders.paid: the cart gives up what was bought.
    for _ in 0..200 {
        if app.cart_count(&token).await == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(app.cart_count(&token).await, 0);

    // Reviews may now mark this shopper's reviews of what they bought "verified purchase".
    let user_id = app.user_id(&token).await;
    assert!(app.bought(&user_id, 3).await);
    assert!(!app.bought(&user_id, 5).await, "not in the order");
    assert!(!app.bought("someone-else", 3).await);

    app.publish(ShipmentCreated {
        order_id: placed.id.clone(),
        tracking_code: "MC123".into(),
    })
    .await;
    let shipped = app.wait_status(&token, &placed.id, OrderStatus::Shipped).await;
    assert_eq!(shipped.tracking_code.as_deref(), Some("MC123"));
    assert_eq!(
        statuses(&shipped),
        [
            OrderStatus::Pending,
            OrderStatus::AwaitingPayment,
            OrderStatus::Paid,
            OrderStatus::Shipped
        ]
    );
}

#[tokio::test]
async fn out_of_stock_cancels_with_a_reason_and_charges_nothing() {
    let app = spawn_app().await;
    let token = app.shopper("short@example.com").await;
    // Product 16 is sold out in inventory's seed.
    let total = app.fill_cart(&token, &[(2, 1), (16, 1)]).await;
    let stock_before = app.available(2).await;
    let placed: OrderView = app.place(&token, total, None).await.json().await.unwrap();
    let cancelled = app.wait_status(&token, &placed.id, OrderStatus::Cancelled).await;
    let reason = cancelled.history.last().unwrap().reason.clone().unwrap();
    assert!(reason.contains("out of stock"), "{reason}");
    assert_eq!(app.available(2).await, stock_before, "nothing held");
    assert_eq!(
        app.cart_count(&token).await,
        2,
        "the cart is kept for another try"
    );
}

#[tokio::test]
async fn a_declined_payment_cancels_and_releases_the_stock() {
    let mut app = spawn_app().await;
    let token = app.shopper("declined@example.com").await;
    let total = app.fill_cart(&token, &[(6, 3)]).await;
    let stock_before = app.available(6).await;
    let placed: OrderView = app.place(&token, total, None).await.json().await.unwrap();
    app.wait_available(6, stock_before - 3).await;
    // NATS restarts mid-saga; the consumers and relays carry on.
    app.nats.restart();
    app.publish(PaymentFailed {
        order_id: placed.id.clone(),
        reason: "Payment declined.".into(),
    })
    .await;
    let cancelled = app.wait_status(&token, &placed.id, OrderStatus::Cancelled).await;
    assert_eq!(
        cancelled.history.last().unwrap().reason.as_deref(),
        Some("Payment declined.")
    );
    app.wait_available(6, stock_before).await;
}

#[tokio::test]
async fn late_and_repeated_answers_change_nothing() {
    let app = spawn_app().await;
    let paid = Recorder::<OrderPaid>::start(&app.bus, "test-late-paid");
    let cancelled = Recorder::<OrderCancelled>::start(&app.bus, "test-late-cancelled");
    let token = app.shopper("late@example.com").await;
    let total = app.fill_cart(&token, &[(8, 1)]).await;
    let placed: OrderView = app.place(&token, total, None).await.json().await.unwrap();
    // The payment overtakes the session event, and is delivered twice.
    app.publish(PaymentSucceeded {
        order_id: placed.id.clone(),
        session_id: "cs_9".into(),
    })
    .await;
    app.publish(PaymentSucceeded {
        order_id: placed.id.clone(),
        session_id: "cs_9".into(),
    })
    .await;
    app.wait_status(&token, &placed.id, OrderStatus::Paid).await;
    app.publish(PaymentSessionCreated {
        order_id: placed.id.clone(),
        session_id: "cs_9".into(),
        checkout_url: "/pay/cs_9".into(),
    })
    .await;
    // A cancellation after payment is a contradiction: dead-lettered, the order stays PAID.
    app.publish(PaymentFailed {
        order_id: placed.id.clone(),
        reason: "late".into(),
    })
    .await;
    let letters = wait_dead_letters(&app.bus, "orders-payment-failed", 1, PATIENCE).await;
    let headers = letters[0].headers.as_ref().unwrap();
    let reason = headers.get(dead_letter_headers::REASON).unwrap().to_string();
    assert_eq!(reason, "PAID → CANCELLED is not allowed");

    // Every answer handled — the repeated payment, the late session, the late failure — and
    // everything they led to published: now "nothing changed" means something.
    wait_handled::<PaymentSucceeded>(&app.bus, "orders-payment-succeeded", PATIENCE).await;
    wait_handled::<PaymentSessionCreated>(&app.bus, "orders-session-created", PATIENCE).await;
    wait_handled::<PaymentFailed>(&app.bus, "orders-payment-failed", PATIENCE).await;
    wait_outbox_published(app.orders_database(), PATIENCE).await;
    let view: OrderView = app.order(&token, &placed.id).await.json().await.unwrap();
    assert_eq!(view.status, OrderStatus::Paid);
    assert_eq!(
        view.checkout_url, None,
        "the late session did not reopen the order"
    );
    assert_eq!(
        statuses(&view),
        [OrderStatus::Pending, OrderStatus::Paid],
        "one PAID, nothing after"
    );
    let paid = paid.wait_for(1).await;
    assert_eq!(paid[0].event.order_id, placed.id, "announced once");
    assert!(cancelled.settled().await.is_empty(), "never announced cancelled");
}
