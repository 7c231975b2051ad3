//! Building orders: database, JetStream streams, the outbox relay, the saga consumers, the
//! token verifier, and the HTTP router.

use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use contracts::messaging::ALL_STREAMS;
use kit::auth::Verifier;
use kit::bus::Bus;
use kit::serve::{Server, StartupError};
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::events;
use crate::routes::{openapi, orders};
use crate::state::AppState;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Builds the orders service.
pub struct Application;

impl Application {
    /// Opens the database, connects NATS, makes sure the streams exist, starts the relay, the
    /// purchase-check responder and the saga consumers, and binds the port.
    pub async fn build(settings: Settings) -> Result<Server, StartupError> {
        let db = kit::db::connect_sqlite(&settings.service.database_url, &MIGRATOR).await?;
        let nats = kit::nats::connect(&settings.service.nats_url).await?;
        let bus = Bus::new(nats.clone());
        bus.ensure_streams(ALL_STREAMS).await?;
        let relay = kit::outbox::spawn_relay(db.clone(), bus.clone());
        events::purchases::serve(nats.clone(), db.clone()).await?;
        let state = AppState {
            verifier: Arc::new(Verifier::from_nats(nats.clone())),
            db,
            nats,
            bus,
            relay,
        };
        events::saga::start(&state);
        let listener = TcpListener::bind(settings.service.bind_address()).await?;
        Ok(Server::new(listener, router(state))?)
    }
}

/// The orders service's HTTP routes with the standard layers.
pub fn router(state: AppState) -> Router {
    let ready = kit::health::database_and_nats(state.db.clone(), state.nats.clone());
    let api = Router::new()
        .route("/", get(orders::orders_list).post(orders::orders_place))
        .route("/preview", get(orders::orders_preview))
        .route("/{id}", get(orders::orders_get))
        .route("/openapi.json", get(openapi::openapi_json))
        .with_state(state);
    kit::http::layers(api.merge(kit::health::router(ready)))
}
