//! `spawn_app()`: inventory on a free port with its own database and nats-server, plus a
//! listener that records what inventory publishes.

use std::time::Duration;

use contracts::catalog::Money;
use contracts::inventory::{InventoryRejected, InventoryReserved};
use contracts::messaging::{DomainEvent, Envelope};
use contracts::orders::{ItemQuantity, OrderCreated, ShippingAddress};
use kit::bus::Bus;
use kit::config::ServiceConfig;
use kit::db::Pool;
use kit::testing::{service_config, NatsServer, Recorder, TestDatabase};
use mercado_inventory::config::Settings;
use mercado_inventory::startup::{Application, MIGRATOR};

pub struct TestApp {
    pub base: String,
    pub nats: NatsServer,
    pub bus: Bus,
    pub db: Pool,
    _database: TestDatabase,
}

pub async fn spawn_app() -> TestApp {
    spawn(1).await.0
}

/// Two replicas of inventory on one database and one nats-server, as behind a load balancer:
/// the app (its `base` is the first replica's) and the second replica's base URL.
pub async fn spawn_replicas() -> (TestApp, String) {
    let (app, mut bases) = spawn(2).await;
    (app, bases.remove(1))
}

/// `replicas` copies of inventory on one fresh database, started one after another (sqlx
/// serialises migrations of concurrent starts only on PostgreSQL); their base URLs.
async fn spawn(replicas: usize) -> (TestApp, Vec<String>) {
    let nats = NatsServer::start();
    let (database, service) = service_config("inventory", &nats);
    let mut bases = Vec::new();
    for _ in 0..replicas {
        bases.push(start(service.clone()).await);
    }
    let bus = Bus::new(async_nats::connect(nats.url()).await.unwrap());
    let db = database.connect(&MIGRATOR).await;
    let app = TestApp {
        base: bases[0].clone(),
        nats,
        bus,
        db,
        _database: database,
    };
    (app, bases)
}

/// Builds and serves inventory with `service`; its base URL.
async fn start(service: ServiceConfig) -> String {
    let app = Application::build(Settings { service }).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    base
}

pub fn order(id: &str, items: &[(i64, u32)]) -> Envelope<OrderCreated> {
    envelope(OrderCreated {
        order_id: id.into(),
        user_id: "user-1".into(),
        items: items
            .iter()
            .map(|&(product_id, quantity)| ItemQuantity { product_id, quantity })
            .collect(),
        total: Money::eur(1000),
    })
}

pub fn envelope<E>(event: E) -> Envelope<E> {
    Envelope {
        id: uuid::Uuid::now_v7().to_string(),
        occurred_at: kit::clock::now_rfc3339(),
        event,
    }
}

pub async fn available(app: &TestApp, product: i64) -> i64 {
    available_at(&app.base, product).await
}

/// Units of `product` for sale, as the replica at `base` answers.
pub async fn available_at(base: &str, product: i64) -> i64 {
    let body: serde_json::Value = reqwest::get(format!("{base}/stock/{product}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["available"].as_i64().unwrap()
}

pub async fn on_hand(app: &TestApp, product: i64) -> i64 {
    sqlx::query_scalar("SELECT on_hand FROM stock WHERE product_id = $1")
        .bind(product)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Publishes, retrying while the client reconnects (after a NATS restart), as a relay would.
pub async fn publish_until_stored<E: DomainEvent>(app: &TestApp, envelope: &Envelope<E>) {
    for _ in 0..40 {
        if app.bus.publish(envelope).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("could not publish {}", E::SUBJECT);
}

pub fn recorders(app: &TestApp) -> (Recorder<InventoryReserved>, Recorder<InventoryRejected>) {
    (
        Recorder::start(&app.bus, "test-reserved"),
        Recorder::start(&app.bus, "test-rejected"),
    )
}

pub fn address() -> ShippingAddress {
    ShippingAddress {
        name: "Ana".into(),
        line1: "Rua 1".into(),
        line2: String::new(),
        postal_code: "1000-001".into(),
        city: "Lisboa".into(),
        country: "PT".into(),
    }
}

/// Waits (up to 10 s) until every reservation line of `order_id` is in `state`.
pub async fn wait_until_settled(app: &TestApp, order_id: &str, state: &str) {
    for _ in 0..400 {
        let lines = mercado_inventory::store::reservations(&app.db, order_id)
            .await
            .unwrap();
        if !lines.is_empty() && lines.iter().all(|r| r.2 == state) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {order_id} to be {state}");
}
