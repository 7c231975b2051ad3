//! Building reviews on kit's foundation: the outbox relay, the token verifier, and the HTTP
//! router.

use axum::routing::{get, post, put};
use axum::Router;
use kit::serve::{Server, StartupError};
use kit::service::Foundation;

use crate::config::Settings;
use crate::routes::{openapi, reviews, votes};
use crate::state::AppState;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Builds the reviews service.
pub struct Application;

impl Application {
    /// On kit's foundation (port, database, NATS, streams): starts the relay.
    pub async fn build(settings: Settings) -> Result<Server, StartupError> {
        let base = Foundation::start(&settings.service, &MIGRATOR).await?;
        let state = AppState {
            verifier: base.verifier(),
            relay: base.spawn_relay(),
            db: base.db.clone(),
            nats: base.nats.clone(),
        };
        base.serve(router(state))
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
