//! A paid order gets one shipment, which moves on to delivered; only its owner sees it.

use contracts::shipping::{ShipmentCreated, ShipmentStatus, ShipmentStatusChanged, ShipmentView};
use kit::testing::Recorder;

use crate::helpers::{spawn_app, MARKER};

#[tokio::test]
async fn a_paid_order_is_shipped_once_and_tracked_to_delivery() {
    let app = spawn_app().await;
    let created = Recorder::<ShipmentCreated>::start(&app.bus, "test-created");
    let moved = Recorder::<ShipmentStatusChanged>::start(&app.bus, "test-moved");
    let (user, token) = app.user("sam@example.com").await;
    let paid = app.paid("order-ship", &user).await;
    // The same event again under another message id: still one shipment.
    let again = serde_json::to_vec(&paid).unwrap();
    app.bus
        .publish_raw("orders.paid", "another-id", again.into())
        .await
        .unwrap();

    let shipments = created.wait_for(1).await;
    assert_eq!(shipments[0].event.order_id, "order-ship");
    let steps = moved.wait_for(3).await;
    let statuses: Vec<_> = steps.iter().map(|e| e.event.status).collect();
    assert_eq!(
        statuses,
        [
            ShipmentStatus::InTransit,
            ShipmentStatus::OutForDelivery,
            ShipmentStatus::Delivered
        ]
    );

    let view: ShipmentView = app.shipment(&token, "order-ship").await.json().await.unwrap();
    assert_eq!(view.status, ShipmentStatus::Delivered);
    assert_eq!(view.tracking_code, shipments[0].event.tracking_code);
    assert_eq!(view.events.len(), 4, "label, transit, van, delivered");

    // Nothing more is coming (see `quiet`); then count.
    app.quiet(&moved, &user).await;
    let created: Vec<_> = created
        .settled()
        .await
        .into_iter()
        .map(|e| e.event.order_id)
        .collect();
    assert_eq!(created, ["order-ship", MARKER], "one shipment per order");
    let moved: Vec<_> = moved
        .settled()
        .await
        .into_iter()
        .filter(|e| e.event.order_id == "order-ship")
        .map(|e| e.event.status)
        .collect();
    assert_eq!(moved.len(), 3, "nothing after delivery: {moved:?}");
}

#[tokio::test]
async fn tracking_is_for_the_owner_only() {
    let app = spawn_app().await;
    let created = Recorder::<ShipmentCreated>::start(&app.bus, "test-created");
    let (owner, owner_token) = app.user("owner@example.com").await;
    let (_, other_token) = app.user("other@example.com").await;
    app.paid("order-private", &owner).await;
    created.wait_for(1).await;
    assert_eq!(app.shipment(&owner_token, "order-private").await.status(), 200);
    assert_eq!(app.shipment(&other_token, "order-private").await.status(), 404);
    let anonymous = app
        .http
        .get(format!("{}/shipments/order-private", app.shipping))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}
