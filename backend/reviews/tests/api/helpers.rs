//! `spawn_app()`: reviews and the neighbours it asks (identity, catalog, orders — and cart, so
//! a shopper can buy) on free ports around one nats-server, with a recorder of the rating
//! events it publishes.

use std::time::Duration;

use contracts::identity::SessionGrant;
use contracts::messaging::Envelope;
use contracts::orders::{OrderStatus, OrderView};
use contracts::payments::PaymentSucceeded;
use contracts::reviews::{RatingChanged, ReviewsPage};
use kit::bus::Bus;
use kit::testing::{service_config, with_database, NatsServer, Recorder, TestDatabase};
use serde_json::{json, Value};

pub struct TestApp {
    pub reviews: String,
    pub identity: String,
    pub cart: String,
    pub orders: String,
    pub bus: Bus,
    pub http: reqwest::Client,
    /// Every `reviews.rating-changed` published.
    pub ratings: Recorder<RatingChanged>,
    _nats: NatsServer,
    _databases: Vec<TestDatabase>,
}

macro_rules! start {
    ($app:expr) => {{
        let app = $app.await.unwrap();
        let url = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        url
    }};
}

pub async fn spawn_app() -> TestApp {
    let nats = NatsServer::start();
    let mut databases = Vec::new();
    // The catalog runs on SQLite by design, whichever database the others' tests use.
    let (catalog_db, catalog) = with_database("catalog", &nats, TestDatabase::sqlite());
    databases.push(catalog_db);
    let mut config = |name| {
        let (database, config) = service_config(name, &nats);
        databases.push(database);
        config
    };
    start!(mercado_catalog::startup::Application::build(
        mercado_catalog::config::Settings { service: catalog }
    ));
    let identity = start!(mercado_identity::startup::Application::build(
        mercado_identity::config::Settings::with_service(config("identity"))
    ));
    let cart = start!(mercado_cart::startup::Application::build(
        mercado_cart::config::Settings::with_service(config("cart"))
    ));
    let orders = start!(mercado_orders::startup::Application::build(
        mercado_orders::config::Settings {
            service: config("orders")
        }
    ));
    let reviews = start!(mercado_reviews::startup::Application::build(
        mercado_reviews::config::Settings {
            service: config("reviews")
        }
    ));
    let bus = Bus::new(async_nats::connect(nats.url()).await.unwrap());
    TestApp {
        ratings: Recorder::start(&bus, "test-ratings"),
        reviews,
        identity,
        cart,
        orders,
        bus,
        http: reqwest::Client::new(),
        _nats: nats,
        _databases: databases,
    }
}

impl TestApp {
    /// A new user's access token.
    pub async fn shopper(&self, name: &str) -> String {
        let response = self
            .http
            .post(format!("{}/users", self.identity))
            .json(&json!({"name": name, "email": format!("{}@example.com", name.to_lowercase()), "password": "correct horse battery"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let grant: SessionGrant = response.json().await.unwrap();
        grant.access_token
    }

    /// Buys one `product` as `token`: cart, order, and the payment the provider would confirm;
    /// returns once orders says PAID.
    pub async fn buy(&self, token: &str, product: i64) {
        let cart: Value = self
            .http
            .post(format!("{}/items", self.cart))
            .bearer_auth(token)
            .json(&json!({"productId": product, "quantity": 1}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let address = json!({"name": "Ana Lima", "line1": "Rua Augusta 1", "postalCode": "1100-048", "city": "Lisboa", "country": "PT"});
        let placed: OrderView = self
            .http
            .post(format!("{}/", self.orders))
            .bearer_auth(token)
            .json(&json!({"shippingAddress": address, "expectedTotalCents": cart["total"]["cents"]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let paid = Envelope {
            id: uuid::Uuid::now_v7().to_string(),
            occurred_at: kit::clock::now_rfc3339(),
            event: PaymentSucceeded {
                order_id: placed.id.clone(),
                session_id: "cs_test".into(),
            },
        };
        self.bus.publish(&paid).await.unwrap();
        for _ in 0..400 {
            let order: OrderView = self
                .http
                .get(format!("{}/{}", self.orders, placed.id))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if order.status == OrderStatus::Paid {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("order {} never became PAID", placed.id);
    }

    /// PUTs a review of `product` as `token`.
    pub async fn write(&self, token: Option<&str>, product: i64, body: Value) -> reqwest::Response {
        let mut request = self
            .http
            .put(format!("{}/products/{product}/reviews/mine", self.reviews))
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    /// GETs a page of `product`'s reviews (`query` like `?sort=helpful`).
    pub async fn list(&self, token: Option<&str>, product: i64, query: &str) -> reqwest::Response {
        let mut request = self
            .http
            .get(format!("{}/products/{product}/reviews{query}", self.reviews));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    /// The first page, newest first, as `token` sees it.
    pub async fn page(&self, token: Option<&str>, product: i64) -> ReviewsPage {
        let response = self.list(token, product, "").await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// POSTs `/reviews/{id}/{action}` (`helpful` or `reports`).
    pub async fn act(&self, token: &str, id: &str, action: &str) -> reqwest::Response {
        self.http
            .post(format!("{}/reviews/{id}/{action}", self.reviews))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }
}

/// A valid review body.
pub fn review(rating: i64, title: &str) -> Value {
    json!({"rating": rating, "title": title, "body": "Used it every day for a month."})
}
