//! Building inventory on kit's foundation: the seeded stock, the outbox relay, the saga
//! consumers, and the HTTP router.

use axum::routing::get;
use axum::Router;
use kit::serve::{Server, StartupError};
use kit::service::Foundation;

use crate::config::Settings;
use crate::routes::{openapi, stock};
use crate::state::AppState;
use crate::{events, store};

/// The service's own migrations; `kit::db::connect` runs kit's (outbox, inbox) before them.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Builds the inventory service.
pub struct Application;

impl Application {
    /// On kit's foundation (port, database, NATS, streams): seeds the stock, starts the relay
    /// and the consumers.
    pub async fn build(settings: Settings) -> Result<Server, StartupError> {
        let base = Foundation::start(&settings.service, &MIGRATOR).await?;
        store::seed_if_empty(&base.db).await?;
        let state = AppState {
            relay: base.spawn_relay(),
            db: base.db.clone(),
            nats: base.nats.clone(),
            bus: base.bus.clone(),
        };
        events::orders::start(&state);
        base.serve(router(state))
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
