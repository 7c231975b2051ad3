//! Building the cart: database, NATS (snapshot responder, paid-order consumer), the token
//! verifier, and the HTTP router.

use std::sync::Arc;

use axum::routing::{get, post, put};
use axum::Router;
use kit::auth::Verifier;
use kit::serve::{Server, StartupError};
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::events;
use crate::routes::{cart, openapi};
use crate::state::AppState;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Builds the cart service.
pub struct Application;

impl Application {
    /// Opens the database (migrating), connects NATS and binds the port.
    pub async fn build(settings: Settings) -> Result<Server, StartupError> {
        let db = kit::db::connect_sqlite(&settings.service.database_url, &MIGRATOR).await?;
        let nats = kit::nats::connect(&settings.service.nats_url).await?;
        events::snapshot::serve(nats.clone(), db.clone()).await?;
        let bus = kit::bus::Bus::new(nats.clone());
        bus.ensure_streams(contracts::messaging::ALL_STREAMS).await?;
        events::paid::start(&bus, db.clone());
        let state = AppState {
            verifier: Arc::new(Verifier::from_nats(nats.clone())),
            db,
            nats,
            settings: Arc::new(settings),
        };
        let listener = TcpListener::bind(state.settings.service.bind_address()).await?;
        Ok(Server::new(listener, router(state))?)
    }
}

/// The cart's HTTP routes with the standard layers.
pub fn router(state: AppState) -> Router {
    let ready = kit::health::database_and_nats(state.db.clone(), state.nats.clone());
    let api = Router::new()
        .route("/", get(cart::cart_get))
        .route("/items", post(cart::items_add))
        .route(
            "/items/{product_id}",
            put(cart::items_set).delete(cart::items_remove),
        )
        .route("/openapi.json", get(openapi::openapi_json))
        .with_state(state);
    kit::http::layers(api.merge(kit::health::router(ready)))
}
