//! Inventory in the saga: reserve all or nothing, commit on payment, release on cancellation,
//! each event handled once — also when redelivered or across a NATS restart.

use contracts::orders::{OrderCancelled, OrderPaid};
use mercado_inventory::store;

use crate::helpers::{
    address, available, envelope, on_hand, order, publish_until_stored, recorders, spawn_app,
};

#[tokio::test]
async fn an_order_is_held_then_committed_when_paid() {
    let app = spawn_app().await;
    let (reserved, rejected) = recorders(&app);
    let before = available(&app, 3).await;
    let placed = order("order-a", &[(3, 2), (4, 1)]);
    app.bus.publish(&placed).await.unwrap();
    let events = reserved.wait_for(1).await;
    assert_eq!(events[0].event.order_id, "order-a");
    assert_eq!(
        available(&app, 3).await,
        before - 2,
        "held units are not for sale"
    );
    assert!(rejected.seen().is_empty());

    let on_hand_before = on_hand(&app, 3).await;
    let paid = envelope(OrderPaid {
        order_id: "order-a".into(),
        user_id: "user-1".into(),
        items: placed.event.items.clone(),
        shipping_address: address(),
    });
    app.bus.publish(&paid).await.unwrap();
    for _ in 0..200 {
        if store::reservations(&app.db, "order-a")
            .await
            .unwrap()
            .iter()
            .all(|r| r.2 == "COMMITTED")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(on_hand(&app, 3).await, on_hand_before - 2);
    assert_eq!(available(&app, 3).await, before - 2);
}

#[tokio::test]
async fn out_of_stock_rejects_the_whole_order_and_holds_nothing() {
    let app = spawn_app().await;
    let (reserved, rejected) = recorders(&app);
    let before = available(&app, 5).await;
    // Product 16 is sold out in the seed.
    app.bus
        .publish(&order("order-b", &[(5, 1), (16, 1)]))
        .await
        .unwrap();
    let events = rejected.wait_for(1).await;
    assert_eq!(events[0].event.short, [16]);
    assert_eq!(
        available(&app, 5).await,
        before,
        "nothing held for a rejected order"
    );
    assert!(reserved.seen().is_empty());
    assert!(store::reservations(&app.db, "order-b").await.unwrap().is_empty());
}

#[tokio::test]
async fn cancellation_releases_and_repeats_change_nothing() {
    let mut app = spawn_app().await;
    let (reserved, _) = recorders(&app);
    let before = available(&app, 9).await;
    let placed = order("order-c", &[(9, 4)]);
    app.bus.publish(&placed).await.unwrap();
    reserved.wait_for(1).await;

    // The same event again under another message id (a relay that lost its mark): the inbox
    // recognises the envelope and nothing more is held.
    let again = serde_json::to_vec(&placed).unwrap();
    app.bus
        .publish_raw("orders.created", "another-msg-id", again.into())
        .await
        .unwrap();

    // NATS restarts between saga steps; the consumers resume.
    app.nats.restart();
    let cancelled = envelope(OrderCancelled {
        order_id: "order-c".into(),
        user_id: "user-1".into(),
        reason: "Payment declined.".into(),
    });
    publish_until_stored(&app, &cancelled).await;
    app.bus.publish(&cancelled).await.unwrap();
    for _ in 0..400 {
        if store::reservations(&app.db, "order-c")
            .await
            .unwrap()
            .iter()
            .all(|r| r.2 == "RELEASED")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(
        store::reservations(&app.db, "order-c").await.unwrap(),
        [(9, 4, "RELEASED".to_string())]
    );
    assert_eq!(
        available(&app, 9).await,
        before,
        "everything given back, exactly once"
    );
    assert_eq!(reserved.seen().len(), 1, "one reservation event for one order");
}
