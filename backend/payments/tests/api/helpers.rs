//! `spawn_app()`: payments with its own database and nats-server, and recorders of what it
//! publishes.

use std::time::Duration;

use contracts::catalog::Money;
use contracts::messaging::Envelope;
use contracts::orders::{InventoryReserved, PaymentFailed, PaymentSessionCreated, PaymentSucceeded};
use kit::bus::Bus;
use kit::testing::{service_config, NatsServer, Recorder};
use mercado_payments::{config::Settings, startup::Application};

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub bus: Bus,
    pub sessions: Recorder<PaymentSessionCreated>,
    pub succeeded: Recorder<PaymentSucceeded>,
    pub failed: Recorder<PaymentFailed>,
    _nats: NatsServer,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

pub async fn spawn_with(customise: impl FnOnce(&mut Settings)) -> TestApp {
    let nats = NatsServer::start();
    let (dir, service) = service_config("payments", &nats);
    let mut settings = Settings::with_service(service);
    customise(&mut settings);
    let app = Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let bus = Bus::new(async_nats::connect(nats.url()).await.unwrap());
    TestApp {
        base,
        // The shopper's browser is sent back to their order: see the redirect, do not follow it.
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        sessions: Recorder::start(&bus, "test-sessions"),
        succeeded: Recorder::start(&bus, "test-succeeded"),
        failed: Recorder::start(&bus, "test-failed"),
        bus,
        _nats: nats,
        _dir: dir,
    }
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
        let response = self
            .http
            .get(format!("{}/sandbox/checkout/{session}", self.base))
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
