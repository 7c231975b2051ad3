//! Two replicas of shipping on one database, as behind a load balancer (one PostgreSQL
//! database; on SQLite, two pools on one file): both carriers look for the same due parcels,
//! yet every step is taken, recorded and published once.

use std::time::Duration;

use contracts::shipping::{ShipmentCreated, ShipmentStatus, ShipmentStatusChanged, ShipmentView};
use kit::testing::Recorder;

use crate::helpers::{spawn_replicas, MARKER};

/// Parcels the test ships.
const ORDERS: usize = 6;

#[tokio::test]
async fn two_replicas_carry_each_parcel_through_each_step_once() {
    // Each carrier looks every 25 ms: the two meet on the same parcels at every step.
    let app = spawn_replicas(Duration::from_millis(100)).await;
    let created = Recorder::<ShipmentCreated>::start(&app.bus, "test-created");
    let moved = Recorder::<ShipmentStatusChanged>::start(&app.bus, "test-moved");
    let (user, token) = app.user("pat@example.com").await;
    let orders: Vec<String> = (0..ORDERS).map(|n| format!("order-r{n}")).collect();
    for (n, order) in orders.iter().enumerate() {
        let paid = app.paid(order, &user).await;
        // Again under another message id: it may reach the other replica, whose inbox and
        // shipments are the same tables.
        let again = serde_json::to_vec(&paid).unwrap();
        app.bus
            .publish_raw("orders.paid", &format!("again-{n}"), again.into())
            .await
            .unwrap();
    }

    created.wait_for(ORDERS).await;
    moved.wait_for(3 * ORDERS).await;
    // Nothing more is coming (see `quiet`, and what it cannot see with two carriers).
    app.quiet(&moved, &user).await;
    let not_marker = |order: &String| order != MARKER;
    let shipped: Vec<_> = created
        .settled()
        .await
        .into_iter()
        .map(|e| e.event.order_id)
        .collect();
    assert_eq!(
        shipped.iter().filter(|o| not_marker(o)).count(),
        ORDERS,
        "one shipment per order"
    );
    let steps: Vec<_> = moved
        .settled()
        .await
        .into_iter()
        .filter(|e| not_marker(&e.event.order_id))
        .collect();
    assert_eq!(steps.len(), 3 * ORDERS, "three steps per parcel, none twice");
    for order in &orders {
        for status in [
            ShipmentStatus::InTransit,
            ShipmentStatus::OutForDelivery,
            ShipmentStatus::Delivered,
        ] {
            let published = steps
                .iter()
                .filter(|e| e.event.order_id == *order && e.event.status == status)
                .count();
            assert_eq!(published, 1, "{order} {status:?} published once");
        }
        for base in &app.replicas {
            let view: ShipmentView = app.shipment_at(base, &token, order).await.json().await.unwrap();
            let tracked: Vec<_> = view.events.iter().map(|e| e.status).collect();
            assert_eq!(
                tracked,
                [
                    ShipmentStatus::LabelCreated,
                    ShipmentStatus::InTransit,
                    ShipmentStatus::OutForDelivery,
                    ShipmentStatus::Delivered
                ],
                "{order}: every step recorded once, in order, seen alike by both replicas"
            );
        }
    }
    let recorded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tracking_events WHERE order_id <> $1")
        .bind(MARKER)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(recorded, 4 * ORDERS as i64);
}
