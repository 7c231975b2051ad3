//! Building the catalog: database, NATS, responders, and the HTTP router.

use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use kit::serve::{Server, StartupError};
use tokio::net::TcpListener;

use crate::cache::ResponseCache;
use crate::config::Settings;
use crate::routes::{categories, images, openapi, products};
use crate::state::AppState;
use crate::{events, store};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Builds the catalog.
pub struct Application;

impl Application {
    /// Opens the database (migrating and seeding), connects NATS, starts the price responder
    /// and the rating follower (which drops the answer cache on each change), and binds the
    /// port.
    pub async fn build(settings: Settings) -> Result<Server, StartupError> {
        let db = kit::db::connect_sqlite(&settings.service.database_url, &MIGRATOR).await?;
        store::seed_if_empty(&db).await?;
        let nats = kit::nats::connect(&settings.service.nats_url).await?;
        events::prices::serve(nats.clone(), db.clone()).await?;
        // Made after seeding: the seed is the one change that is not followed by `invalidate`.
        let cache = Arc::new(ResponseCache::default());
        let bus = kit::bus::Bus::new(nats.clone()).with_replicas(settings.service.stream_replicas);
        events::ratings::follow(&bus, db.clone(), cache.clone()).await?;
        let listener = TcpListener::bind(settings.service.bind_address()).await?;
        Ok(Server::new(listener, router(AppState { db, cache, nats }))?)
    }
}

/// The catalog's HTTP routes with the standard layers.
pub fn router(state: AppState) -> Router {
    let ready = kit::health::database_and_nats(state.db.clone(), state.nats.clone());
    let api = Router::new()
        .route("/products", get(products::products_list))
        .route("/products/{id}", get(products::products_get))
        .route("/products/{id}/image.svg", get(images::products_image))
        .route("/categories", get(categories::categories_list))
        .route("/openapi.json", get(openapi::openapi_json))
        .with_state(state);
    kit::http::layers(api.merge(kit::health::router(ready)))
}
