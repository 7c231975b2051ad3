//! Building inventory: database (seeded), JetStream streams, the outbox relay, the saga
//! consumers, and the HTTP router.

use axum::routing::get;
use axum::Router;
use contracts::messaging::ALL_STREAMS;
use kit::bus::Bus;
use kit::serve::{Server, StartupError};
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::routes::{openapi, stock};
use crate::state::AppState;
use crate::{events, store};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Builds the inventory service.
pub struct Application;

impl Application {
    /// Opens and seeds the database, connects NATS, makes sure the streams exist, starts the
    /// relay and the consumers, and binds the port.
    pub async fn build(settings: Settings) -> Result<Server, StartupError> {
        let db = kit::db::connect_sqlite(&settings.service.database_url, &MIGRATOR).await?;
        store::seed_if_empty(&db).await?;
        let nats = kit::nats::connect(&settings.service.nats_url).await?;
        let bus = Bus::new(nats.clone());
        bus.ensure_streams(ALL_STREAMS).await?;
        let relay = kit::outbox::spawn_relay(db.clone(), bus.clone());
        let state = AppState { db, nats, bus, relay };
        events::orders::start(&state);
        let listener = TcpListener::bind(settings.service.bind_address()).await?;
        Ok(Server::new(listener, router(state))?)
    }
}

/// Inventory's HTTP routes with the standard layers.
pub fn router(state: AppState) -> Router {
    let ready = kit::health::database_and_nats(state.db.clone(), state.nats.clone());
    let api = Router::new()
        .route("/stock/{product_id}", get(stock::stock_get))
        .route("/openapi.json", get(openapi::openapi_json))
        .with_state(state);
    kit::http::layers(api.merge(kit::health::router(ready)))
}
