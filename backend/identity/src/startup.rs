//! Building identity on kit's foundation: signing keys, the JWKS responder, the sweep of old
//! credential attempts, and the HTTP router.

use std::sync::{Arc, RwLock};

use axum::routing::{delete, get, post};
use axum::Router;
use contracts::identity::JWKS_PATH;
use kit::auth::Verifier;
use kit::serve::{Server, StartupError};
use kit::service::Foundation;

use crate::config::Settings;
use crate::domain::keys::KeyRing;
use crate::events;
use crate::routes::{admin, jwks, openapi, sessions, users};
use crate::signing;
use crate::state::AppState;
use crate::throttle;

/// Identity's own tables (kit adds its outbox and inbox when connecting); public so tests can
/// open the service's database the way the service does.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Builds the identity service.
pub struct Application;

impl Application {
    /// On kit's foundation (port, database, NATS, streams): loads or creates the signing key,
    /// starts the JWKS responder, key rotation and the sweep of old credential attempts.
    pub async fn build(settings: Settings) -> Result<Server, StartupError> {
        let base = Foundation::start(&settings.service, &MIGRATOR).await?;
        let db = base.db.clone();
        let ring = signing::load(&db, settings.key_rotation, settings.access_ttl)
            .await
            .map_err(|e| StartupError::Other(e.to_string()))?;
        let keys = Arc::new(RwLock::new(Arc::new(ring)));
        signing::spawn_rotation(
            db.clone(),
            keys.clone(),
            settings.key_rotation,
            settings.access_ttl,
        );
        let state = AppState {
            verifier: Arc::new(own_verifier(keys.clone())),
            db,
            nats: base.nats.clone(),
            keys,
            settings: Arc::new(settings),
        };
        events::jwks::serve(state.clone()).await?;
        events::partner_keys::serve(state.clone()).await?;
        throttle::spawn_sweep(state.clone());
        base.serve(router(state))
    }
}

/// Identity verifies tokens like every other service, but reads its keys from memory.
fn own_verifier(keys: Arc<RwLock<Arc<KeyRing>>>) -> Verifier {
    Verifier::new(Arc::new(move || {
        let jwks = keys.read().map(|ring| ring.jwks()).map_err(|e| e.to_string());
        Box::pin(async move { jwks })
    }))
}

/// Identity's HTTP routes with the standard layers.
pub fn router(state: AppState) -> Router {
    let ready = kit::health::database_and_nats(state.db.clone(), state.nats.clone());
    let api = Router::new()
        .route("/users", post(users::users_register))
        .route("/me", get(users::me_get))
        .route("/sessions", post(sessions::sessions_create))
        .route("/sessions/refresh", post(sessions::sessions_refresh))
        .route("/sessions/current", delete(sessions::sessions_delete))
        .route(JWKS_PATH, get(jwks::jwks_get))
        .route(
            "/admin/partner-keys",
            post(admin::partner_keys_issue).get(admin::partner_keys_list),
        )
        .route("/admin/partner-keys/{id}", delete(admin::partner_keys_revoke))
        .route("/openapi.json", get(openapi::openapi_json))
        .with_state(state);
    kit::http::layers(api.merge(kit::health::router(ready)))
}
