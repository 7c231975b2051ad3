//! `spawn_app()`: a catalog with its own database and nats-server, reached over real HTTP.

use std::sync::Arc;

use kit::testing::{with_database, NatsServer, TestDatabase};
use mercado_catalog::{config::Settings, startup::Application};
use serde::de::DeserializeOwned;

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub nats: Arc<NatsServer>,
    _database: TestDatabase,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_on(Arc::new(NatsServer::start())).await
}

/// A catalog with a fresh database on an existing nats-server (e.g. one whose streams already
/// hold events).
pub async fn spawn_app_on(nats: Arc<NatsServer>) -> TestApp {
    // SQLite by design, whichever database the other services' tests run on.
    let (database, service) = with_database("catalog", &nats, TestDatabase::sqlite());
    let app = Application::build(Settings { service })
        .await
        .expect("catalog starts");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base,
        http: reqwest::Client::new(),
        nats,
        _database: database,
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> T {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("JSON body")
    }
}
