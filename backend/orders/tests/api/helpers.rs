//! `spawn_app()`: orders and its neighbours on free ports around one nats-server.

use std::time::Duration;

use contracts::messaging::{DomainEvent, Envelope};
use contracts::orders::{OrderStatus, OrderView};
use kit::bus::Bus;
use kit::config::ServiceConfig;
use kit::testing::{service_config, with_database, Crashable, Faults, NatsServer, TestDatabase};
use serde_json::{json, Value};

pub struct TestApp {
    /// The payments service, when started (`spawn_with_payments`).
    pub payments: Option<String>,
    pub orders: String,
    pub identity: String,
    pub cart: String,
    pub inventory: String,
    /// Orders and inventory run where a test can crash them ([`TestApp::crash_orders`]).
    orders_service: Crashable,
    inventory_service: Crashable,
    orders_config: ServiceConfig,
    inventory_config: ServiceConfig,
    pub http: reqwest::Client,
    pub bus: Bus,
    pub nats: NatsServer,
    _databases: Vec<TestDatabase>,
}

fn config(name: &'static str, nats: &NatsServer, dirs: &mut Vec<TestDatabase>) -> ServiceConfig {
    let (dir, config) = service_config(name, nats);
    dirs.push(dir);
    config
}

/// The catalog keeps a SQLite copy per replica whichever database the others use.
fn catalog_config(nats: &NatsServer, dirs: &mut Vec<TestDatabase>) -> ServiceConfig {
    let (database, config) = with_database("catalog", nats, TestDatabase::sqlite());
    dirs.push(database);
    config
}

macro_rules! start {
    ($app:expr) => {{
        let app = $app.await.unwrap();
        let url = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        url
    }};
}

/// Orders and its neighbours; payments' answers are published by the test itself.
pub async fn spawn_app() -> TestApp {
    spawn(None).await
}

/// The whole saga, with the real payments service (and its sandbox provider) and shipping.
pub async fn spawn_with_payments() -> TestApp {
    spawn(Some(Duration::from_secs(900))).await
}

/// The whole saga, with sessions left unpaid for `timeout` expiring.
pub async fn spawn_with_payment_timeout(timeout: Duration) -> TestApp {
    spawn(Some(timeout)).await
}

/// `payment_timeout`: None runs no payments or shipping.
async fn spawn(payment_timeout: Option<Duration>) -> TestApp {
    let nats = NatsServer::start();
    let mut dirs = Vec::new();
    start!(mercado_catalog::startup::Application::build(
        mercado_catalog::config::Settings {
            service: catalog_config(&nats, &mut dirs)
        }
    ));
    let identity = start!(mercado_identity::startup::Application::build(
        mercado_identity::config::Settings::with_service(config("identity", &nats, &mut dirs))
    ));
    let cart = start!(mercado_cart::startup::Application::build(
        mercado_cart::config::Settings::with_service(config("cart", &nats, &mut dirs))
    ));
    let inventory_config = config("inventory", &nats, &mut dirs);
    let inventory_service = start_inventory(inventory_config.clone()).await;
    let orders_config = config("orders", &nats, &mut dirs);
    let orders_service = start_orders(orders_config.clone()).await;
    let payments = if let Some(timeout) = payment_timeout {
        let mut shipping =
            mercado_shipping::config::Settings::with_service(config("shipping", &nats, &mut dirs));
        shipping.tracking_step = Duration::from_millis(200);
        start!(mercado_shipping::startup::Application::build(shipping));
        let mut payments =
            mercado_payments::config::Settings::with_service(config("payments", &nats, &mut dirs));
        payments.payment_timeout = timeout;
        payments.expiry_sweep = Duration::from_millis(100);
        Some(start!(mercado_payments::startup::Application::build(payments)))
    } else {
        None
    };
    let bus = Bus::new(async_nats::connect(nats.url()).await.unwrap());
    TestApp {
        payments,
        orders: orders_service.url().to_owned(),
        identity,
        cart,
        inventory: inventory_service.url().to_owned(),
        orders_service,
        inventory_service,
        orders_config,
        inventory_config,
        http: reqwest::Client::new(),
        bus,
        nats,
        _databases: dirs,
    }
}

async fn start_orders(service: ServiceConfig) -> Crashable {
    Crashable::start(move || {
        mercado_orders::startup::Application::build(mercado_orders::config::Settings { service })
    })
    .await
}

async fn start_inventory(service: ServiceConfig) -> Crashable {
    Crashable::start(move || {
        mercado_inventory::startup::Application::build(mercado_inventory::config::Settings { service })
    })
    .await
}

pub fn address() -> Value {
    json!({"name": "Ana Lima", "line1": "Rua Augusta 1", "postalCode": "1100-048", "city": "Lisboa", "country": "PT"})
}

impl TestApp {
    /// Where a test may stop orders before crashing it (armed hooks last until its restart).
    pub fn orders_faults(&self) -> &Faults {
        self.orders_service.faults()
    }

    /// Where a test may stop inventory before crashing it.
    pub fn inventory_faults(&self) -> &Faults {
        self.inventory_service.faults()
    }

    /// The orders service's `DATABASE_URL`.
    pub fn orders_database(&self) -> &str {
        &self.orders_config.database_url
    }

    /// Crashes the orders service (see [`Crashable`]).
    pub fn crash_orders(&mut self) {
        self.orders_service.crash();
    }

    /// Starts orders again on the same database.
    pub async fn restart_orders(&mut self) {
        self.orders_service = start_orders(self.orders_config.clone()).await;
        self.orders = self.orders_service.url().to_owned();
    }

    /// Crashes the inventory service.
    pub fn crash_inventory(&mut self) {
        self.inventory_service.crash();
    }

    /// Starts inventory again on the same database.
    pub async fn restart_inventory(&mut self) {
        self.inventory_service = start_inventory(self.inventory_config.clone()).await;
        self.inventory = self.inventory_service.url().to_owned();
    }

    /// A new user's access token.
    pub async fn shopper(&self, email: &str) -> String {
        let response = self
            .http
            .post(format!("{}/users", self.identity))
            .json(&json!({"name": "Ana", "email": email, "password": "correct horse battery"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let grant: Value = response.json().await.unwrap();
        grant["accessToken"].as_str().unwrap().to_string()
    }

    /// Puts products in the user's cart; returns the cart's total in cents.
    pub async fn fill_cart(&self, token: &str, items: &[(i64, i64)]) -> i64 {
        let mut total = 0;
        for (product, quantity) in items {
            let response = self
                .http
                .post(format!("{}/items", self.cart))
                .bearer_auth(token)
                .json(&json!({"productId": product, "quantity": quantity}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let cart: Value = response.json().await.unwrap();
            total = cart["total"]["cents"].as_i64().unwrap();
        }
        total
    }

    pub async fn cart_count(&self, token: &str) -> u64 {
        let cart: Value = self
            .http
            .get(format!("{}/", self.cart))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        cart["itemCount"].as_u64().unwrap()
    }

    pub async fn place(&self, token: &str, expected_total: i64, key: Option<&str>) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!("{}/", self.orders))
            .bearer_auth(token)
            .json(&json!({"shippingAddress": address(), "expectedTotalCents": expected_total}));
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request.send().await.unwrap()
    }

    pub async fn order(&self, token: &str, id: &str) -> reqwest::Response {
        self.http
            .get(format!("{}/{id}", self.orders))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// Waits until the order has reached `status` (it may already be further along: the saga
    /// runs asynchronously).
    pub async fn wait_status(&self, token: &str, id: &str, status: OrderStatus) -> OrderView {
        self.wait_status_within(token, id, status, Duration::from_secs(10))
            .await
    }

    /// Like [`TestApp::wait_status`], for up to `limit`.
    pub async fn wait_status_within(
        &self,
        token: &str,
        id: &str,
        status: OrderStatus,
        limit: Duration,
    ) -> OrderView {
        let mut last = None;
        for _ in 0..limit.as_millis() / 25 {
            let view: OrderView = self.order(token, id).await.json().await.unwrap();
            if view.status == status || view.history.iter().any(|h| h.status == status) {
                return view;
            }
            last = Some(view.status);
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("order {id} never reached {status:?}; last {last:?}");
    }

    /// Waits (up to 10 s) until inventory shows `expected` of `product` available.
    pub async fn wait_available(&self, product: i64, expected: i64) {
        self.wait_available_within(product, expected, Duration::from_secs(10))
            .await
    }

    /// Like [`TestApp::wait_available`], for up to `limit`.
    pub async fn wait_available_within(&self, product: i64, expected: i64, limit: Duration) {
        for _ in 0..limit.as_millis() / 25 {
            if self.available(product).await == expected {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert_eq!(
            self.available(product).await,
            expected,
            "stock of product {product}"
        );
    }

    pub async fn available(&self, product: i64) -> i64 {
        let body: Value = reqwest::get(format!("{}/stock/{product}", self.inventory))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["available"].as_i64().unwrap()
    }

    /// The id of the user `token` speaks for.
    pub async fn user_id(&self, token: &str) -> String {
        let me: Value = self
            .http
            .get(format!("{}/me", self.identity))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        me["id"].as_str().unwrap().to_string()
    }

    /// Asks orders over NATS, as reviews does, whether `user_id` bought `product_id`.
    pub async fn bought(&self, user_id: &str, product_id: i64) -> bool {
        let client = async_nats::connect(self.nats.url()).await.unwrap();
        let request = contracts::reviews::PurchaseCheckRequest {
            user_id: user_id.into(),
            product_id,
        };
        kit::nats::request(&client, &request).await.unwrap().purchased
    }

    /// Publishes what another service (payments, shipping) would publish.
    pub async fn publish<E: DomainEvent>(&self, event: E) {
        let envelope = Envelope {
            id: uuid::Uuid::now_v7().to_string(),
            occurred_at: kit::clock::now_rfc3339(),
            event,
        };
        // Retried like a relay would while the client reconnects after a NATS restart.
        for _ in 0..40 {
            if self.bus.publish(&envelope).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        panic!("could not publish {}", E::SUBJECT);
    }
}
