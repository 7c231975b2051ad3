//! `spawn_app()`: payments with its own database and nats-server, recorders of what it
//! publishes, and [`TestApp::settle`], which waits until it is at rest.

use std::time::Duration;

use contracts::catalog::Money;
use contracts::inventory::InventoryReserved;
use contracts::messaging::{Envelope, INVENTORY_STREAM, PAYMENTS_STREAM};
use contracts::payments::{PaymentFailed, PaymentSessionCreated, PaymentSucceeded};
use kit::bus::Bus;
use kit::db::Pool;
use kit::testing::{service_config, NatsServer, Recorder, TestDatabase};
use mercado_payments::config::Settings;
use mercado_payments::events::reserved::CONSUMER;
use mercado_payments::provider::ProviderClient;
use mercado_payments::startup::{Application, MIGRATOR};

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub bus: Bus,
    pub nats: async_nats::Client,
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
    let client = async_nats::connect(nats.url()).await.unwrap();
    let bus = Bus::new(client.clone());
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
        nats: client,
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

    /// The provider client payments uses, pointed at this app's sandbox with `secret_key`.
    pub fn provider(&self, secret_key: &str) -> ProviderClient {
        ProviderClient::new(
            reqwest::Client::new(),
            &format!("{}/sandbox", self.base),
            secret_key,
        )
        .unwrap()
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

/// The consumers that carry payments' work, by stream: its own on `inventory.reserved`, and
/// the test's recorders of what it publishes.
const CONSUMERS: [(&str, &str); 4] = [
    (INVENTORY_STREAM.name, CONSUMER),
    (PAYMENTS_STREAM.name, "test-sessions"),
    (PAYMENTS_STREAM.name, "test-succeeded"),
    (PAYMENTS_STREAM.name, "test-failed"),
];

impl TestApp {
    /// Waits (up to 10 s) until payments is at rest, for asserting that something did *not*
    /// happen: every event in its outbox is published, and each consumer above has been
    /// given every message of its stream and acknowledged it. Whatever payments was going to
    /// publish in answer to what the test did has then been recorded.
    pub async fn settle(&self) {
        let js = async_nats::jetstream::new(self.nats.clone());
        for _ in 0..400 {
            if self.at_rest(&js).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("payments did not come to rest within 10 s");
    }

    async fn at_rest(&self, js: &async_nats::jetstream::Context) -> bool {
        let unpublished: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")
            .fetch_one(&self.db)
            .await
            .unwrap();
        if unpublished > 0 {
            return false;
        }
        for (stream, consumer) in CONSUMERS {
            // A stream or consumer not created yet is work not yet begun.
            let Ok(stream) = js.get_stream(stream).await else {
                return false;
            };
            let Ok(info) = stream.consumer_info(consumer).await else {
                return false;
            };
            if info.num_pending > 0 || info.num_ack_pending > 0 {
                return false;
            }
        }
        true
    }
}
