//! A service whose database is not there yet is alive but not ready, and says why; one whose
//! credentials are wrong stops with a clear error instead of retrying forever.

use std::time::Duration;

use kit::config::ServiceConfig;
use kit::service::Foundation;
use kit::testing::{free_port, NatsServer, POSTGRES_ENV};
use mercado_kit as kit;

static NO_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate::Migrator {
    migrations: std::borrow::Cow::Borrowed(&[]),
    ignore_missing: false,
    locking: true,
    no_tx: false,
};

fn config(port: u16, nats: &NatsServer, database_url: String) -> ServiceConfig {
    ServiceConfig {
        name: "orders",
        host: "127.0.0.1".into(),
        port,
        nats_url: nats.url(),
        database_url,
        stream_replicas: 1,
    }
}

/// Polls `url` until it answers `status`, for up to 20 s.
async fn wait_for_status(url: &str, status: u16) -> reqwest::Response {
    let http = reqwest::Client::new();
    for _ in 0..400 {
        if let Ok(response) = http.get(url).send().await {
            if response.status() == status {
                return response;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} never answered {status}");
}

#[tokio::test]
async fn an_unreachable_database_leaves_the_service_alive_but_not_ready() {
    let nats = NatsServer::start();
    let (port, closed) = (free_port(), free_port());
    let service = config(
        port,
        &nats,
        format!("postgres://orders:pw@127.0.0.1:{closed}/orders"),
    );
    let starting = tokio::spawn(async move { Foundation::start(&service, &NO_MIGRATIONS).await.map(|_| ()) });

    let ready = wait_for_status(&format!("http://127.0.0.1:{port}/readyz"), 503).await;
    let body: serde_json::Value = ready.json().await.expect("a JSON body");
    assert_eq!(body["ready"], false);
    assert_eq!(body["failed"][0], "starting");
    wait_for_status(&format!("http://127.0.0.1:{port}/healthz"), 200).await;
    assert!(
        !starting.is_finished(),
        "it keeps retrying while the database is away"
    );
    starting.abort();
}

#[tokio::test]
async fn bad_credentials_stop_the_start_with_a_clear_error() {
    let Ok(server) = std::env::var(POSTGRES_ENV) else {
        eprintln!("{POSTGRES_ENV} unset: credentials are a PostgreSQL matter (cargo xtask test runs this)");
        return;
    };
    let nats = NatsServer::start();
    let mut url = url::Url::parse(&server).expect("a URL");
    url.set_username("nobody").expect("a user name");
    let service = config(0, &nats, url.to_string());
    let refused = tokio::time::timeout(
        Duration::from_secs(20),
        Foundation::start(&service, &NO_MIGRATIONS),
    )
    .await
    .expect("no retrying on bad credentials")
    .err()
    .map(|err| err.to_string())
    .unwrap_or_default();
    assert!(refused.contains("role \"nobody\" does not exist"), "{refused}");
    assert!(
        refused.starts_with("cannot open database postgres://nobody@"),
        "{refused}"
    );
}
