//! Services crash at named saga steps — right after a step committed, before its event was
//! acknowledged (`kit::testing::faults`), every other task dropped where it stands, nothing
//! drained — and come back on the same database: every order still ends PAID or CANCELLED,
//! each is announced exactly once, and stock is held, sold or released exactly once.

use std::collections::HashMap;
use std::time::Duration;

use contracts::orders::{OrderCancelled, OrderCreated, OrderPaid, OrderStatus, OrderView};
use contracts::payments::{PaymentFailed, PaymentSucceeded};
use kit::testing::{wait_handled, wait_outbox_published, Recorder};
use mercado_inventory::events::orders::{COMMIT, RELEASE, RESERVE};

use crate::helpers::{spawn_app, TestApp};

/// Products 41–52; 48 is sold out in inventory's seed (every 16th is).
const PRODUCTS: std::ops::RangeInclusive<i64> = 41..=52;
const SOLD_OUT: i64 = 48;

/// Redelivery after a crash waits for the consumer's ack deadline (30 s).
const AFTER_A_CRASH: Duration = Duration::from_secs(60);
/// How long a saga step may take to be reached or to settle.
const STEP: Duration = Duration::from_secs(10);

/// The saga steps of orders the test stops at: their durable consumers (inventory's are
/// `RESERVE`, `COMMIT`, `RELEASE`).
const PAYMENT_SUCCEEDED: &str = "orders-payment-succeeded";
const PAYMENT_FAILED: &str = "orders-payment-failed";

#[tokio::test]
async fn orders_and_inventory_crash_mid_saga_and_every_order_ends_once() {
    let mut app = spawn_app().await;
    let paid = Recorder::<OrderPaid>::start(&app.bus, "test-crash-paid");
    let cancelled = Recorder::<OrderCancelled>::start(&app.bus, "test-crash-cancelled");
    let mut stock_before = HashMap::new();
    let mut shoppers = Vec::new();
    for product in PRODUCTS {
        let token = app.shopper(&format!("crash-{product}@example.com")).await;
        let total = app.fill_cart(&token, &[(product, 1)]).await;
        stock_before.insert(product, app.available(product).await);
        shoppers.push((product, token, total));
    }

    // Inventory dies right after committing the third reservation, before acknowledging it;
    // the rest of the orders are placed while it is down (orders.created waits in the stream).
    let (placed_first, placed_while_down) = shoppers.split_at(4);
    let stopped = app.inventory_faults().stop_after_handling(RESERVE, 3);
    let mut orders = Vec::new();
    for (product, token, total) in placed_first {
        orders.push((*product, token.clone(), place(&app, token, *total).await));
    }
    stopped.within(STEP).await;
    app.crash_inventory();
    for (product, token, total) in placed_while_down {
        orders.push((*product, token.clone(), place(&app, token, *total).await));
    }
    app.restart_inventory().await;
    // An event inventory had taken but not finished when it died comes back after the ack
    // deadline.
    for (product, token, id) in &orders {
        if *product == SOLD_OUT {
            app.wait_status_within(token, id, OrderStatus::Cancelled, AFTER_A_CRASH)
                .await;
        } else {
            app.wait_available_within(*product, stock_before[product] - 1, AFTER_A_CRASH)
                .await;
        }
    }

    // Payments answer while orders is handling them: orders dies right after committing the
    // second payment and the second decline, neither acknowledged, and comes back.
    let payable: Vec<_> = orders.iter().filter(|(p, ..)| *p != SOLD_OUT).collect();
    let (to_pay, to_decline) = payable.split_at(payable.len() / 2);
    let paid_stop = app.orders_faults().stop_after_handling(PAYMENT_SUCCEEDED, 2);
    let declined_stop = app.orders_faults().stop_after_handling(PAYMENT_FAILED, 2);
    for (_, _, id) in to_pay {
        app.publish(PaymentSucceeded {
            order_id: id.clone(),
            session_id: format!("cs_{id}"),
        })
        .await;
    }
    for (_, _, id) in to_decline {
        app.publish(PaymentFailed {
            order_id: id.clone(),
            reason: "Payment declined.".into(),
        })
        .await;
    }
    paid_stop.within(STEP).await;
    declined_stop.within(STEP).await;
    app.crash_orders();
    app.restart_orders().await;

    for (_, token, id) in to_pay {
        app.wait_status_within(token, id, OrderStatus::Paid, AFTER_A_CRASH)
            .await;
    }
    for (product, token, id) in to_decline {
        app.wait_status_within(token, id, OrderStatus::Cancelled, AFTER_A_CRASH)
            .await;
        app.wait_available(*product, stock_before[product]).await;
    }

    // The events in flight at the crashes come back after the ack deadline and find their
    // work done; everything they and the rest led to is handled and published.
    wait_handled::<OrderCreated>(&app.bus, RESERVE, AFTER_A_CRASH).await;
    wait_handled::<PaymentSucceeded>(&app.bus, PAYMENT_SUCCEEDED, AFTER_A_CRASH).await;
    wait_handled::<PaymentFailed>(&app.bus, PAYMENT_FAILED, AFTER_A_CRASH).await;
    wait_outbox_published(app.orders_database(), STEP).await;
    wait_handled::<OrderPaid>(&app.bus, COMMIT, STEP).await;
    wait_handled::<OrderCancelled>(&app.bus, RELEASE, STEP).await;
    for (product, ..) in &orders {
        let expected = if to_pay.iter().any(|(paid, ..)| paid == product) {
            stock_before[product] - 1
        } else {
            stock_before[product]
        };
        assert_eq!(
            app.available(*product).await,
            expected,
            "product {product}: sold once, or released once (or never held)"
        );
    }

    // Each order announced once: one orders.paid or one orders.cancelled, never both or twice
    // (the recorders report any event beyond the count).
    let paid_ids = ids(paid
        .wait_for(to_pay.len())
        .await
        .into_iter()
        .map(|e| e.event.order_id));
    let cancelled_ids = ids(cancelled
        .wait_for(orders.len() - to_pay.len())
        .await
        .into_iter()
        .map(|e| e.event.order_id));
    for (product, _, id) in &orders {
        let announced = (paid_ids.get(id), cancelled_ids.get(id));
        let expected = if to_pay.iter().any(|(_, _, paid)| paid == id) {
            (Some(&1), None)
        } else {
            (None, Some(&1))
        };
        assert_eq!(announced, expected, "order for product {product}");
    }
}

/// Places an order; returns its id.
async fn place(app: &TestApp, token: &str, total: i64) -> String {
    let response = app.place(token, total, None).await;
    assert_eq!(response.status(), 201);
    let placed: OrderView = response.json().await.unwrap();
    placed.id
}

/// How many times each order id occurs.
fn ids(events: impl Iterator<Item = String>) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for id in events {
        *counts.entry(id).or_default() += 1;
    }
    counts
}
