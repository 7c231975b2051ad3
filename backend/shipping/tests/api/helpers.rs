//! `spawn_app()`: shipping (one replica or two on one database) with the real identity for
//! tokens, on their own databases and a real nats-server.

use std::time::{Duration, Instant};

use contracts::messaging::Envelope;
use contracts::orders::{ItemQuantity, OrderPaid, ShippingAddress};
use contracts::shipping::{ShipmentStatus, ShipmentStatusChanged};
use kit::bus::Bus;
use kit::db::Pool;
use kit::testing::{service_config, wait_handled, wait_outbox_published, NatsServer, Recorder, TestDatabase};
use mercado_shipping::events::paid;
use mercado_shipping::startup::MIGRATOR;

/// The order [`TestApp::quiet`] ships to see the carriers move on.
pub const MARKER: &str = "order-marker";
/// How long a test waits for shipping to get somewhere.
const PATIENCE: Duration = Duration::from_secs(10);
use serde_json::{json, Value};

pub struct TestApp {
    /// The (first) shipping replica's base URL.
    pub shipping: String,
    /// Every shipping replica's base URL.
    pub replicas: Vec<String>,
    pub identity: String,
    pub bus: Bus,
    pub http: reqwest::Client,
    /// Shipping's database.
    pub db: Pool,
    /// Its `DATABASE_URL`.
    pub database_url: String,
    _nats: NatsServer,
    _databases: Vec<TestDatabase>,
}

pub async fn spawn_app() -> TestApp {
    spawn(1, Duration::from_millis(150)).await
}

/// Two replicas of shipping on one database, as behind a load balancer, each with its own
/// carrier stepping every `tracking_step`.
pub async fn spawn_replicas(tracking_step: Duration) -> TestApp {
    spawn(2, tracking_step).await
}

/// Identity, and `replicas` copies of shipping on one fresh database, started one after
/// another (sqlx serialises migrations of concurrent starts only on PostgreSQL).
async fn spawn(replicas: usize, tracking_step: Duration) -> TestApp {
    let nats = NatsServer::start();
    let (identity_db, identity_service) = service_config("identity", &nats);
    let identity = mercado_identity::startup::Application::build(
        mercado_identity::config::Settings::with_service(identity_service),
    )
    .await
    .unwrap();
    let identity_url = format!("http://127.0.0.1:{}", identity.port());
    tokio::spawn(identity.run_until_stopped());

    let (shipping_db, shipping_service) = service_config("shipping", &nats);
    let mut bases = Vec::new();
    for _ in 0..replicas {
        let mut settings = mercado_shipping::config::Settings::with_service(shipping_service.clone());
        settings.tracking_step = tracking_step;
        let shipping = mercado_shipping::startup::Application::build(settings)
            .await
            .unwrap();
        bases.push(format!("http://127.0.0.1:{}", shipping.port()));
        tokio::spawn(shipping.run_until_stopped());
    }
    TestApp {
        shipping: bases[0].clone(),
        replicas: bases,
        identity: identity_url,
        bus: Bus::new(async_nats::connect(nats.url()).await.unwrap()),
        http: reqwest::Client::new(),
        db: shipping_db.connect(&MIGRATOR).await,
        database_url: shipping_db.url().to_string(),
        _nats: nats,
        _databases: vec![identity_db, shipping_db],
    }
}

impl TestApp {
    /// A new user: (id, access token).
    pub async fn user(&self, email: &str) -> (String, String) {
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

    pub async fn paid(&self, order_id: &str, user_id: &str) -> Envelope<OrderPaid> {
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

    /// Waits until nothing more is coming from shipping about the orders shipped so far, for
    /// asserting that something did *not* happen (no second shipment, no step after delivery).
    ///
    /// A parcel paid now ([`MARKER`], for `user`) is moved two steps on: each step is taken in
    /// a carrier round that began after the one before it ended, so every carrier round that
    /// had read an earlier parcel as due is over. Then shipping has handled every
    /// `orders.paid` sent to it and published every event it committed, and `moved` has caught
    /// up with them (the caller settles its other recorders).
    ///
    /// With two replicas each carrier has its own rounds, and the marker's steps do not say
    /// whose they were: there it is a round of the *other* carrier still stuck after the
    /// marker's two steps (two tracking steps) that would go unseen.
    pub async fn quiet(&self, moved: &Recorder<ShipmentStatusChanged>, user: &str) {
        self.paid(MARKER, user).await;
        let deadline = Instant::now() + PATIENCE;
        let second_step = |e: &Envelope<ShipmentStatusChanged>| {
            e.event.order_id == MARKER && e.event.status == ShipmentStatus::OutForDelivery
        };
        while !moved.seen().iter().any(second_step) {
            assert!(
                Instant::now() < deadline,
                "the marker parcel never made its second step"
            );
            tokio::time::sleep(Duration::from_millis(20)).await; // poll interval of the condition above
        }
        wait_handled::<OrderPaid>(&self.bus, paid::CONSUMER, PATIENCE).await;
        wait_outbox_published(&self.database_url, PATIENCE).await;
        moved.settled().await;
    }

    pub async fn shipment(&self, token: &str, order_id: &str) -> reqwest::Response {
        self.shipment_at(&self.shipping, token, order_id).await
    }

    /// The shipment as the replica at `base` answers.
    pub async fn shipment_at(&self, base: &str, token: &str, order_id: &str) -> reqwest::Response {
        self.http
            .get(format!("{base}/shipments/{order_id}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }
}
