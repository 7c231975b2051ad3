//! `/api/events`: a signed-in user's own order updates, live, from NATS.

use std::time::Duration;

use contracts::events::{OrderUpdated, StorefrontEvent};
use contracts::messaging::{DomainEvent, Envelope};
use contracts::orders::{OrderStatus, OrderStatusChanged};

use crate::helpers::{spawn_gateway, TestGateway};

/// Publishes what orders' relay would publish for a status change.
async fn publish_change(gateway: &TestGateway, user_id: &str, order_id: &str, status: OrderStatus) {
    let nats = async_nats::connect(gateway.nats.url()).await.unwrap();
    let envelope = Envelope {
        id: format!("evt-{order_id}-{}", status.as_str()),
        occurred_at: "2026-11-25T00:00:00Z".into(),
        event: OrderStatusChanged {
            order_id: order_id.into(),
            user_id: user_id.into(),
            status,
        },
    };
    let payload = serde_json::to_vec(&envelope).unwrap();
    nats.publish(OrderStatusChanged::SUBJECT, payload.into())
        .await
        .unwrap();
    nats.flush().await.unwrap();
}

/// Reads the stream until one whole event (blank-line terminated, not a keep-alive comment)
/// has arrived; returns its `event:` name and `data:`.
async fn next_event(response: &mut reqwest::Response, buffer: &mut String) -> (String, String) {
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
                    .unwrap_or_default()
            };
            let (event, data) = (field("event:"), field("data:"));
            if !data.is_empty() {
                return (event, data);
            }
            continue;
        }
        let chunk = tokio::time::timeout(Duration::from_secs(10), response.chunk())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .expect("the stream stays open");
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
    }
}

#[tokio::test]
async fn a_user_hears_about_their_own_orders_only() {
    let gateway = spawn_gateway().await;
    let alice = gateway.register("alice-live@example.com").await;
    let bob = gateway.register("bob-live@example.com").await;
    let mut stream = gateway
        .get("/api/events")
        .bearer_auth(&alice.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(
        stream.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );

    publish_change(&gateway, &bob.user.id, "bobs-order", OrderStatus::Paid).await;
    publish_change(&gateway, &alice.user.id, "alices-order", OrderStatus::Paid).await;
    publish_change(&gateway, &alice.user.id, "alices-order", OrderStatus::Shipped).await;

    let mut buffer = String::new();
    let (name, data) = next_event(&mut stream, &mut buffer).await;
    assert_eq!(name, OrderUpdated::NAME);
    let first: OrderUpdated = serde_json::from_str(&data).unwrap();
    assert_eq!(
        first,
        OrderUpdated {
            order_id: "alices-order".into(),
            status: "PAID".into()
        },
        "bob's order never reaches alice"
    );
    let (_, data) = next_event(&mut stream, &mut buffer).await;
    let second: OrderUpdated = serde_json::from_str(&data).unwrap();
    assert_eq!(second.status, "SHIPPED");
}

/// Behind a balancer a browser's stream lands on either gateway replica: every replica hears
/// every change (a plain NATS subscription), so each user's stream gets theirs wherever it is.
#[tokio::test]
async fn updates_reach_a_stream_on_either_gateway_replica() {
    let gateway = spawn_gateway().await;
    let other = gateway.another_replica().await;
    let alice = gateway.register("alice-replica@example.com").await;
    let bob = gateway.register("bob-replica@example.com").await;
    let open = |base: String, token: String| {
        let http = gateway.http.clone();
        async move {
            let response = http
                .get(format!("{base}/api/events"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response
        }
    };
    let mut on_first = open(gateway.base.clone(), alice.access_token.clone()).await;
    let mut on_second = open(other, bob.access_token.clone()).await;

    publish_change(&gateway, &alice.user.id, "alices-order", OrderStatus::Paid).await;
    publish_change(&gateway, &bob.user.id, "bobs-order", OrderStatus::Shipped).await;

    let (mut a, mut b) = (String::new(), String::new());
    let (_, data) = next_event(&mut on_first, &mut a).await;
    let alices: OrderUpdated = serde_json::from_str(&data).unwrap();
    assert_eq!(
        (alices.order_id.as_str(), alices.status.as_str()),
        ("alices-order", "PAID")
    );
    let (_, data) = next_event(&mut on_second, &mut b).await;
    let bobs: OrderUpdated = serde_json::from_str(&data).unwrap();
    assert_eq!(
        (bobs.order_id.as_str(), bobs.status.as_str()),
        ("bobs-order", "SHIPPED")
    );
}

#[tokio::test]
async fn the_stream_needs_a_valid_token() {
    let gateway = spawn_gateway().await;
    for token in [None, Some("not-a-token")] {
        let mut request = gateway.get("/api/events");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{token:?}");
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "application/problem+json"
        );
    }
}
