//! Building reviews: database, JetStream streams, the outbox relay, the token verifier, and
//! the HTTP router.

use std::sync::Arc;

use axum::routing::{get, post, put};
use axum::Router;
use contracts::messaging::ALL_STREAMS;
use kit::auth::Verifier;
use kit::bus::Bus;
use kit::serve::{Server, StartupError};
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::routes::{openapi, reviews, votes};
use crate::state::AppState;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Builds the reviews service.
pub struct Application;

impl Application {
    /// Opens the database, connects NATS, makes sure the streams exist, starts the relay and
    /// binds the port.
    pub async fn build(settings: Settings) -> Result<Server, StartupError> {
        let db = kit::db::connect_sqlite(&settings.service.database_url, &MIGRATOR).await?;
        let nats = kit::nats::connect(&settings.service.nats_url).await?;
        let bus = Bus::new(nats.clone());
        bus.ensure_streams(ALL_STREAMS).await?;
        let relay = kit::outbox::spawn_relay(db.clone(), bus);
        let state = AppState {
            verifier: Arc::new(Verifier::from_nats(nats.clone())),
            db,
            nats,
            relay,
        };
        let listener = TcpListener::bind(settings.service.bind_address()).await?;
        Ok(Server::new(listener, router(state))?)
    }
}

/// Reviews' HTTP routes with the standard layers.
pub fn router(state: AppState) -> Router {
    let ready = kit::health::database_and_nats(state.db.clone(), state.nats.clone());
    let api = Router::new()
        .route("/products/{product_id}/reviews", get(reviews::reviews_list))
        .route("/products/{product_id}/reviews/mine", put(reviews::reviews_write))
        .route("/reviews/{review_id}/helpful", post(votes::helpful_mark))
        .route("/reviews/{review_id}/reports", post(votes::report_create))
        .route("/openapi.json", get(openapi::openapi_json))
        .with_state(state);
    kit::http::layers(api.merge(kit::health::router(ready)))
}
