//! Building the cart on kit's foundation: the snapshot responder, the paid-order consumer,
//! the token verifier, and the HTTP router.

use std::sync::Arc;

use axum::routing::{get, post, put};
use axum::Router;
use kit::serve::{Server, StartupError};
use kit::service::Foundation;

use crate::config::Settings;
use crate::events;
use crate::routes::{cart, openapi};
use crate::state::AppState;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Builds the cart service.
pub struct Application;

impl Application {
    /// On kit's foundation (port, database, NATS, streams): starts the snapshot responder and
    /// the paid-order consumer.
    pub async fn build(settings: Settings) -> Result<Server, StartupError> {
        let base = Foundation::start(&settings.service, &MIGRATOR).await?;
        events::snapshot::serve(base.nats.clone(), base.db.clone()).await?;
        events::paid::start(&base.bus, base.db.clone());
        let state = AppState {
            verifier: base.verifier(),
            db: base.db.clone(),
            nats: base.nats.clone(),
            settings: Arc::new(settings),
        };
        base.serve(router(state))
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
