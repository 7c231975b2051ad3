//! `spawn_app()`: inventory on a free port with its own database and nats-server, plus a
//! listener that records what inventory publishes.

use std::time::Duration;

use contracts::catalog::Money;
use contracts::messaging::{DomainEvent, Envelope};
use contracts::orders::{InventoryRejected, InventoryReserved, ItemQuantity, OrderCreated};
use kit::bus::Bus;
use kit::testing::{service_config, NatsServer, Recorder};
use mercado_inventory::{config::Settings, startup::Application};
use sqlx::SqlitePool;

pub struct TestApp {
    pub base: String,
    pub nats: NatsServer,
    pub bus: Bus,
    pub db: SqlitePool,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    let nats = NatsServer::start();
    let (dir, service) = service_config("inventory", &nats);
    let database_url = service.database_url.clone();
    let app = Application::build(Settings { service }).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let bus = Bus::new(async_nats::connect(nats.url()).await.unwrap());
    let db = SqlitePool::connect(&database_url).await.unwrap();
    TestApp {
        base,
        nats,
        bus,
        db,
        _dir: dir,
    }
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
    let body: serde_json::Value = reqwest::get(format!("{}/stock/{product}", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["available"].as_i64().unwrap()
}

pub async fn on_hand(app: &TestApp, product: i64) -> i64 {
    sqlx::query_scalar("SELECT on_hand FROM stock WHERE product_id = ?")
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
