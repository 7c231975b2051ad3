//! Building shipping on kit's foundation: the outbox relay, the paid-order consumer, the
//! carrier, the token verifier, and the HTTP router.

use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use kit::serve::{Server, StartupError};
use kit::service::Foundation;

use crate::config::Settings;
use crate::events;
use crate::routes::{openapi, shipments};
use crate::state::AppState;

/// The service's own migrations; `kit::db::connect` runs kit's (outbox, inbox) before them.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Builds the shipping service.
pub struct Application;

impl Application {
    /// On kit's foundation (port, database, NATS, streams): starts the relay, the consumer and
    /// the carrier.
    pub async fn build(settings: Settings) -> Result<Server, StartupError> {
        let base = Foundation::start(&settings.service, &MIGRATOR).await?;
        let state = AppState {
            verifier: base.verifier(),
            relay: base.spawn_relay(),
            db: base.db.clone(),
            nats: base.nats.clone(),
            bus: base.bus.clone(),
            settings: Arc::new(settings),
        };
        events::paid::start(&state);
        events::carrier::start(&state);
        base.serve(router(state))
    }
}

/// Shipping's HTTP routes with the standard layers.
pub fn router(state: AppState) -> Router {
    let ready = kit::health::database_and_nats(state.db.clone(), state.nats.clone());
    let api = Router::new()
        .route("/shipments/{order_id}", get(shipments::shipments_get))
        .route("/openapi.json", get(openapi::openapi_json))
        .with_state(state);
    kit::http::layers(api.merge(kit::health::router(ready)))
}
