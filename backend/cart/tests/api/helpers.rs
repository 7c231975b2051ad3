//! `spawn_app()`: cart, catalog and identity on free ports around one nats-server.

use contracts::cart::{CartView, CART_COOKIE};
use contracts::identity::SessionGrant;
use kit::testing::{service_config, with_database, NatsServer, TestDatabase};
use serde_json::{json, Value};

pub struct TestApp {
    pub cart: String,
    pub identity: String,
    pub http: reqwest::Client,
    _nats: NatsServer,
    _databases: Vec<TestDatabase>,
}

pub async fn spawn_app() -> TestApp {
    let nats = NatsServer::start();
    // The catalog runs on SQLite by design, whichever database the cart's tests use.
    let (catalog_db, config) = with_database("catalog", &nats, TestDatabase::sqlite());
    let catalog =
        mercado_catalog::startup::Application::build(mercado_catalog::config::Settings { service: config })
            .await
            .unwrap();
    tokio::spawn(catalog.run_until_stopped());
    let (identity_db, config) = service_config("identity", &nats);
    let identity = mercado_identity::startup::Application::build(
        mercado_identity::config::Settings::with_service(config),
    )
    .await
    .unwrap();
    let identity_url = format!("http://127.0.0.1:{}", identity.port());
    tokio::spawn(identity.run_until_stopped());
    let (cart_db, config) = service_config("cart", &nats);
    let cart =
        mercado_cart::startup::Application::build(mercado_cart::config::Settings::with_service(config))
            .await
            .unwrap();
    let cart_url = format!("http://127.0.0.1:{}", cart.port());
    tokio::spawn(cart.run_until_stopped());
    TestApp {
        cart: cart_url,
        identity: identity_url,
        http: reqwest::Client::new(),
        _nats: nats,
        _databases: vec![catalog_db, identity_db, cart_db],
    }
}

/// Who is calling: a visitor (with their cart cookie, once they have one) or a user.
#[derive(Default, Clone)]
pub struct Caller {
    pub cookie: Option<String>,
    pub token: Option<String>,
}

impl TestApp {
    pub async fn sign_up(&self, email: &str) -> SessionGrant {
        let response = self
            .http
            .post(format!("{}/users", self.identity))
            .json(&json!({"name": "Cara Cart", "email": email, "password": "correct horse battery"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    /// Sends a request as `caller`, remembering a cart cookie the service sets (or clears).
    pub async fn call(
        &self,
        caller: &mut Caller,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let url = format!("{}{path}", self.cart);
        let mut request = self.http.request(method.parse().unwrap(), url);
        if let Some(cookie) = &caller.cookie {
            request = request.header("cookie", format!("{CART_COOKIE}={cookie}"));
        }
        if let Some(token) = &caller.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        if let Some(set) = response.headers().get("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            let value = pair.trim_start_matches(&format!("{CART_COOKIE}=")).to_string();
            caller.cookie = (!value.is_empty()).then_some(value);
        }
        response
    }

    pub async fn view(&self, caller: &mut Caller) -> CartView {
        let response = self.call(caller, "GET", "/", None).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    pub async fn add(&self, caller: &mut Caller, product: i64, quantity: i64) -> reqwest::Response {
        self.call(
            caller,
            "POST",
            "/items",
            Some(json!({"productId": product, "quantity": quantity})),
        )
        .await
    }
}
