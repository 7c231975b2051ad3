//! Two replicas of inventory on one database, as behind a load balancer (one PostgreSQL
//! database; on SQLite, two pools on one file): the stock is seeded once, and every order is
//! held once and paid once, whichever replica each delivery reaches.

use std::time::Duration;

use contracts::orders::OrderPaid;
use mercado_inventory::domain::seed;
use mercado_inventory::startup::MIGRATOR;
use mercado_inventory::store;

use crate::helpers::{
    address, available_at, envelope, on_hand, order, recorders, spawn_replicas, wait_until_settled,
};

/// Orders the test places; product 3 has far more units than this in the seed.
const ORDERS: usize = 12;

#[tokio::test]
async fn two_replicas_hold_and_commit_each_order_exactly_once() {
    let (app, second) = spawn_replicas().await;
    let (reserved, rejected) = recorders(&app);
    // The second replica found the stock seeded and added nothing.
    let products: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stock")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(products, seed::SEEDED_PRODUCTS);
    assert_eq!(on_hand(&app, 3).await, seed::on_hand(3), "seeded once");
    let before = available_at(&app.base, 3).await;

    let mut placed = Vec::new();
    for n in 0..ORDERS {
        let created = order(&format!("order-r{n}"), &[(3, 1)]);
        app.bus.publish(&created).await.unwrap();
        // The same event under another message id (a relay that lost its mark): it may reach
        // the other replica, whose inbox is the same table.
        let again = serde_json::to_vec(&created).unwrap();
        app.bus
            .publish_raw("orders.created", &format!("again-created-{n}"), again.into())
            .await
            .unwrap();
        placed.push(created);
    }
    let events = reserved.wait_for(ORDERS).await;
    let mut orders: Vec<_> = events.iter().map(|e| e.event.order_id.clone()).collect();
    orders.sort();
    orders.dedup();
    assert_eq!(orders.len(), ORDERS, "every order reserved");
    for base in [&app.base, &second] {
        assert_eq!(
            available_at(base, 3).await,
            before - ORDERS as i64,
            "one unit held per order, seen alike by both replicas"
        );
    }

    for (n, created) in placed.iter().enumerate() {
        let paid = envelope(OrderPaid {
            order_id: created.event.order_id.clone(),
            user_id: created.event.user_id.clone(),
            items: created.event.items.clone(),
            shipping_address: address(),
        });
        app.bus.publish(&paid).await.unwrap();
        let again = serde_json::to_vec(&paid).unwrap();
        app.bus
            .publish_raw("orders.paid", &format!("again-paid-{n}"), again.into())
            .await
            .unwrap();
    }
    for created in &placed {
        wait_until_settled(&app, &created.event.order_id, "COMMITTED").await;
    }
    // Let any second handling of a redelivered event land before counting.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(reserved.seen().len(), ORDERS, "one reservation event per order");
    assert!(rejected.seen().is_empty());
    for created in &placed {
        assert_eq!(
            store::reservations(&app.db, &created.event.order_id)
                .await
                .unwrap(),
            [(3, 1, "COMMITTED".to_string())]
        );
    }
    assert_eq!(
        on_hand(&app, 3).await,
        seed::on_hand(3) - ORDERS as i64,
        "each paid unit left stock once"
    );
    assert_eq!(available_at(&second, 3).await, before - ORDERS as i64);
}

#[tokio::test]
async fn replicas_seeding_an_empty_database_at_once_seed_it_once() {
    let database = kit::testing::TestDatabase::fresh();
    let first = database.connect(&MIGRATOR).await;
    let second = database.connect(&MIGRATOR).await;
    let (a, b) = tokio::join!(store::seed_if_empty(&first), store::seed_if_empty(&second));
    a.unwrap();
    b.unwrap();
    let (products, units): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), CAST(SUM(on_hand) AS BIGINT) FROM stock")
            .fetch_one(&first)
            .await
            .unwrap();
    assert_eq!(products, seed::SEEDED_PRODUCTS);
    let seeded: i64 = (1..=seed::SEEDED_PRODUCTS).map(seed::on_hand).sum();
    assert_eq!(units, seeded);
}
