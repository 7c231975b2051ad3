//! A paid order gets one shipment, which moves on to delivered; only its owner sees it.

use std::time::Duration;

use contracts::messaging::Envelope;
use contracts::orders::{
    ItemQuantity, OrderPaid, ShipmentCreated, ShipmentStatus, ShipmentStatusChanged, ShipmentView,
    ShippingAddress,
};
use kit::bus::Bus;
use kit::config::ServiceConfig;
use kit::testing::{service_config, NatsServer, Recorder};
use serde_json::{json, Value};

struct TestApp {
    shipping: String,
    identity: String,
    bus: Bus,
    http: reqwest::Client,
    _nats: NatsServer,
    _dirs: Vec<tempfile::TempDir>,
}

fn config(name: &'static str, nats: &NatsServer, dirs: &mut Vec<tempfile::TempDir>) -> ServiceConfig {
    let (dir, config) = service_config(name, nats);
    dirs.push(dir);
    config
}

async fn spawn_app() -> TestApp {
    let nats = NatsServer::start();
    let mut dirs = Vec::new();
    let identity = mercado_identity::startup::Application::build(
        mercado_identity::config::Settings::with_service(config("identity", &nats, &mut dirs)),
    )
    .await
    .unwrap();
    let identity_url = format!("http://127.0.0.1:{}", identity.port());
    tokio::spawn(identity.run_until_stopped());
    let mut settings = mercado_shipping::config::Settings::with_service(config("shipping", &nats, &mut dirs));
    settings.tracking_step = Duration::from_millis(150);
    let shipping = mercado_shipping::startup::Application::build(settings)
        .await
        .unwrap();
    let shipping_url = format!("http://127.0.0.1:{}", shipping.port());
    tokio::spawn(shipping.run_until_stopped());
    TestApp {
        shipping: shipping_url,
        identity: identity_url,
        bus: Bus::new(async_nats::connect(nats.url()).await.unwrap()),
        http: reqwest::Client::new(),
        _nats: nats,
        _dirs: dirs,
    }
}

impl TestApp {
    /// A new user: (id, access token).
    async fn user(&self, email: &str) -> (String, String) {
        let grant: Value = self
            .http
            .post(format!("{}/users", self.identity))
            .json(&json!({"name": "Sam", "email": email, "password": "correct horse battery"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (
            grant["user"]["id"].as_str().unwrap().into(),
            grant["accessToken"].as_str().unwrap().into(),
        )
    }

    async fn paid(&self, order_id: &str, user_id: &str) -> Envelope<OrderPaid> {
        let envelope = Envelope {
            id: uuid::Uuid::now_v7().to_string(),
            occurred_at: kit::clock::now_rfc3339(),
            event: OrderPaid {
                order_id: order_id.into(),
                user_id: user_id.into(),
                items: vec![ItemQuantity {
                    product_id: 1,
                    quantity: 1,
                }],
                shipping_address: ShippingAddress {
                    name: "Sam".into(),
                    line1: "Rua 1".into(),
                    line2: String::new(),
                    postal_code: "1000-001".into(),
                    city: "Lisboa".into(),
                    country: "PT".into(),
                },
            },
        };
        self.bus.publish(&envelope).await.unwrap();
        envelope
    }

    async fn shipment(&self, token: &str, order_id: &str) -> reqwest::Response {
        self.http
            .get(format!("{}/shipments/{order_id}", self.shipping))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }
}

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
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(created.seen().len(), 1, "one shipment per order");
    assert_eq!(moved.seen().len(), 3, "nothing after delivery");
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
