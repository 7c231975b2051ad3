//! Services crash between and during saga steps — every task dropped where it stands, nothing
//! drained — and come back on the same database: every order still ends PAID or CANCELLED,
//! and each is announced exactly once.

use std::collections::HashMap;
use std::time::Duration;

use contracts::orders::{OrderCancelled, OrderPaid, OrderStatus, OrderView};
use contracts::payments::{PaymentFailed, PaymentSucceeded};
use kit::testing::Recorder;

use crate::helpers::spawn_app;

/// Products 41–52; 48 is sold out in inventory's seed (every 16th is).
const PRODUCTS: std::ops::RangeInclusive<i64> = 41..=52;
const SOLD_OUT: i64 = 48;

/// Redelivery after a crash waits for the consumer's ack deadline (30 s).
const AFTER_A_CRASH: Duration = Duration::from_secs(60);

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

    // Inventory is down while the orders are placed: orders.created waits in the stream.
    app.crash_inventory();
    let mut orders = Vec::new();
    for (product, token, total) in &shoppers {
        let response = app.place(token, *total, None).await;
        assert_eq!(response.status(), 201);
        let placed: OrderView = response.json().await.unwrap();
        orders.push((*product, token.clone(), placed.id));
    }
    app.restart_inventory().await;
    for (product, token, id) in &orders {
        if *product == SOLD_OUT {
            app.wait_status(token, id, OrderStatus::Cancelled).await;
        } else {
            app.wait_available(*product, stock_before[product] - 1).await;
        }
    }

    // Payments answer while orders is handling them: it crashes part-way and comes back.
    let payable: Vec<_> = orders.iter().filter(|(p, ..)| *p != SOLD_OUT).collect();
    let (to_pay, to_decline) = payable.split_at(payable.len() / 2);
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
    for (product, ..) in to_pay {
        assert_eq!(
            app.available(*product).await,
            stock_before[product] - 1,
            "sold, not released"
        );
    }

    // Each order announced once: one orders.paid or one orders.cancelled, never both or twice.
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

/// How many times each order id occurs.
fn ids(events: impl Iterator<Item = String>) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for id in events {
        *counts.entry(id).or_default() += 1;
    }
    counts
}
