//! `spawn_app()`: payments with its own database and nats-server, and recorders of what it
//! publishes.

use std::time::Duration;

use contracts::catalog::Money;
use contracts::inventory::InventoryReserved;
use contracts::messaging::Envelope;
use contracts::payments::{PaymentFailed, PaymentSessionCreated, PaymentSucceeded};
use kit::bus::Bus;
use kit::db::Pool;
use kit::testing::{service_config, NatsServer, Recorder, TestDatabase};
use mercado_payments::config::Settings;
use mercado_payments::startup::{Application, MIGRATOR};

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub bus: Bus,
    pub db: Pool,
    pub sessions: Recorder<PaymentSessionCreated>,
    pub succeeded: Recorder<PaymentSucceeded>,
    pub failed: Recorder<PaymentFailed>,
    _nats: NatsServer,
    _database: TestDatabase,
}

pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

pub async fn spawn_with(customise: impl Fn(&mut Settings)) -> TestApp {
    spawn(1, customise).await.0
}

/// Two replicas of payments on one database and one nats-server, as behind a load balancer:
/// the app (its `base` is the first replica's) and the second replica's base URL.
pub async fn spawn_replicas(customise: impl Fn(&mut Settings)) -> (TestApp, String) {
    let (app, mut bases) = spawn(2, customise).await;
    (app, bases.remove(1))
}

/// `replicas` copies of payments with the same settings on one fresh database, started one
/// after another (sqlx serialises migrations of concurrent starts only on PostgreSQL).
async fn spawn(replicas: usize, customise: impl Fn(&mut Settings)) -> (TestApp, Vec<String>) {
    let nats = NatsServer::start();
    let (database, service) = service_config("payments", &nats);
    let mut bases = Vec::new();
    for _ in 0..replicas {
        let mut settings = Settings::with_service(service.clone());
        customise(&mut settings);
        let app = Application::build(settings).await.unwrap();
        bases.push(format!("http://127.0.0.1:{}", app.port()));
        tokio::spawn(app.run_until_stopped());
    }
    let bus = Bus::new(async_nats::connect(nats.url()).await.unwrap());
    let app = TestApp {
        base: bases[0].clone(),
        // The shopper's browser is sent back to their order: see the redirect, do not follow it.
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        db: database.connect(&MIGRATOR).await,
        sessions: Recorder::start(&bus, "test-sessions"),
        succeeded: Recorder::start(&bus, "test-succeeded"),
        failed: Recorder::start(&bus, "test-failed"),
        bus,
        _nats: nats,
        _database: database,
    };
    (app, bases)
}

impl TestApp {
    /// Publishes `inventory.reserved` for `order_id` and returns the session id opened for it.
    pub async fn reserve(&self, order_id: &str, cents: i64) -> String {
        let before = self.sessions.seen().len();
        let envelope = Envelope {
            id: uuid::Uuid::now_v7().to_string(),
            occurred_at: kit::clock::now_rfc3339(),
            event: InventoryReserved {
                order_id: order_id.into(),
                total: Money::eur(cents),
            },
        };
        self.bus.publish(&envelope).await.unwrap();
        let sessions = self.sessions.wait_for(before + 1).await;
        let created = &sessions.last().unwrap().event;
        assert_eq!(created.order_id, order_id);
        created.session_id.clone()
    }

    pub async fn press(&self, session: &str, button: &str) -> reqwest::Response {
        self.http
            .post(format!("{}/sandbox/checkout/{session}/{button}", self.base))
            .send()
            .await
            .unwrap()
    }

    pub async fn page(&self, session: &str) -> String {
        self.page_at(&self.base, session).await
    }

    /// The pay page of `session` as the replica at `base` serves it.
    pub async fn page_at(&self, base: &str, session: &str) -> String {
        let response = self
            .http
            .get(format!("{base}/sandbox/checkout/{session}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }

    pub async fn webhook(&self, body: &str, signature: Option<&str>) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!("{}/webhooks/provider", self.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(signature) = signature {
            request = request.header("stripe-signature", signature);
        }
        request.send().await.unwrap()
    }
}

/// Lets consumers and relays run, for asserting that something did *not* happen.
pub async fn settle() {
    tokio::time::sleep(Duration::from_millis(400)).await;
}
