//! Building orders on kit's foundation: the outbox relay, the purchase-check responder, the
//! saga consumers, the token verifier, and the HTTP router.

use axum::routing::get;
use axum::Router;
use kit::serve::{Server, StartupError};
use kit::service::Foundation;

use crate::config::Settings;
use crate::events;
use crate::routes::{openapi, orders};
use crate::state::AppState;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Builds the orders service.
pub struct Application;

impl Application {
    /// On kit's foundation (port, database, NATS, streams): starts the relay, the
    /// purchase-check responder and the saga consumers.
    pub async fn build(settings: Settings) -> Result<Server, StartupError> {
        let base = Foundation::start(&settings.service, &MIGRATOR).await?;
        events::purchases::serve(base.nats.clone(), base.db.clone()).await?;
        let state = AppState {
            verifier: base.verifier(),
            relay: base.spawn_relay(),
            db: base.db.clone(),
            nats: base.nats.clone(),
            bus: base.bus.clone(),
        };
        events::saga::start(&state);
        base.serve(router(state))
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
