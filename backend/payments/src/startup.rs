//! Building payments: database, JetStream, the outbox relay, the session consumer, the expiry
//! sweeper, the sandbox provider, and the HTTP router.

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use contracts::messaging::ALL_STREAMS;
use kit::bus::Bus;
use kit::serve::{Server, StartupError};
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::routes::{openapi, webhook};
use crate::state::AppState;
use crate::{events, sandbox};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Builds the payments service.
pub struct Application;

impl Application {
    /// Opens the database, connects NATS, makes sure the streams exist, starts the relay, the
    /// consumer and the sweeper, and binds the port.
    pub async fn build(settings: Settings) -> Result<Server, StartupError> {
        let db = kit::db::connect_sqlite(&settings.service.database_url, &MIGRATOR).await?;
        let nats = kit::nats::connect(&settings.service.nats_url).await?;
        let bus = Bus::new(nats.clone());
        bus.ensure_streams(ALL_STREAMS).await?;
        let relay = kit::outbox::spawn_relay(db.clone(), bus.clone());
        let listener = TcpListener::bind(settings.service.bind_address()).await?;
        let port = listener.local_addr()?.port();
        let webhook_url = settings
            .sandbox_webhook_url
            .clone()
            .unwrap_or_else(|| format!("http://127.0.0.1:{port}/webhooks/provider"));
        let state = AppState {
            db,
            nats,
            bus,
            relay,
            settings: Arc::new(settings),
            http: reqwest::Client::new(),
            webhook_url: webhook_url.into(),
        };
        events::reserved::start(&state);
        events::expiry::start(&state);
        Ok(Server::new(listener, router(state))?)
    }
}

/// Payments' HTTP routes with the standard layers.
pub fn router(state: AppState) -> Router {
    let ready = kit::health::database_and_nats(state.db.clone(), state.nats.clone());
    let api = Router::new()
        .route("/webhooks/provider", post(webhook::webhook_receive))
        .route("/sandbox/checkout/{session}", get(sandbox::sandbox_page))
        .route("/sandbox/checkout/{session}/pay", post(sandbox::sandbox_pay))
        .route(
            "/sandbox/checkout/{session}/decline",
            post(sandbox::sandbox_decline),
        )
        .route("/openapi.json", get(openapi::openapi_json))
        .with_state(state);
    kit::http::layers(api.merge(kit::health::router(ready)))
}
