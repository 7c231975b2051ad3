//! Building payments on kit's foundation: the settings check (provider, keys, webhook
//! secret), the provider client, the outbox relay, the session consumer, the expiry sweeper,
//! the sandbox provider (when it is the provider), and the HTTP router.

use std::sync::Arc;
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;
use kit::serve::{Server, StartupError};
use kit::service::Foundation;

use crate::config::{Provider, Settings, SettingsError};
use crate::provider::ProviderClient;
use crate::routes::{openapi, webhook};
use crate::state::AppState;
use crate::{events, sandbox};

/// How long one provider call may take: a slow provider holds a saga step, not the service.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(20);

/// The service's own migrations; `kit::db::connect` runs kit's (outbox, inbox) before them.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Builds the payments service.
pub struct Application;

impl Application {
    /// Checks the settings (before touching anything), then on kit's foundation (port,
    /// database, NATS, streams) starts the relay, the consumer and the sweeper.
    pub async fn build(settings: Settings) -> Result<Server, StartupError> {
        settings.check().map_err(refused)?;
        let base = Foundation::start(&settings.service, &MIGRATOR).await?;
        let port = base.port()?;
        let webhook_url = settings
            .sandbox_webhook_url
            .clone()
            .unwrap_or_else(|| format!("http://127.0.0.1:{port}/webhooks/provider"));
        let http = reqwest::Client::builder()
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| StartupError::Other(format!("HTTP client: {e}")))?;
        let provider = ProviderClient::new(http.clone(), &settings.provider_base(port), &settings.secret_key)
            .map_err(|e| StartupError::Other(e.to_string()))?;
        let state = AppState {
            relay: base.spawn_relay(),
            db: base.db.clone(),
            nats: base.nats.clone(),
            bus: base.bus.clone(),
            settings: Arc::new(settings),
            provider,
            http,
            webhook_url: webhook_url.into(),
        };
        events::reserved::start(&state);
        events::expiry::start(&state);
        if state.settings.provider == Provider::Sandbox && state.settings.sandbox_auto_pay {
            sandbox::shopper::start(&state)
                .await
                .map_err(|e| StartupError::Other(format!("sandbox auto-pay: {e}")))?;
        }
        base.serve(router(state))
    }
}

/// The one place refused settings become a start-up error (kit's, shared by every service).
fn refused(err: SettingsError) -> StartupError {
    StartupError::Other(err.to_string())
}

/// Payments' HTTP routes with the standard layers.
pub fn router(state: AppState) -> Router {
    let ready = kit::health::database_and_nats(state.db.clone(), state.nats.clone());
    let mut api = Router::new()
        .route("/webhooks/provider", post(webhook::webhook_receive))
        .route("/openapi.json", get(openapi::openapi_json));
    // A real provider's shoppers pay on its pages: no sandbox to reach then.
    if state.settings.provider == Provider::Sandbox {
        api = api.nest("/sandbox", sandbox::router());
    }
    let api = api.with_state(state);
    kit::http::layers(api.merge(kit::health::router(ready)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SANDBOX_SECRET;

    /// The database cannot be opened (and nothing listens on the NATS port): the check must
    /// come first, and a start that passes it fails on the database at once.
    fn unreachable_settings(provider: Provider, secret: &str) -> Settings {
        let service = kit::config::ServiceConfig {
            name: "payments",
            host: "127.0.0.1".into(),
            port: 0,
            nats_url: "nats://127.0.0.1:1".into(),
            database_url: "sqlite:///dev/null/payments.db".into(),
            stream_replicas: 1,
        };
        Settings {
            provider,
            webhook_secret: secret.into(),
            ..Settings::with_service(service)
        }
    }

    #[tokio::test]
    async fn build_refuses_a_real_provider_with_the_sandbox_secret_before_connecting() {
        let built = Application::build(unreachable_settings(Provider::Stripe, SANDBOX_SECRET)).await;
        let message = built.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("sandbox's published test secret"), "{message}");
    }

    #[tokio::test]
    async fn build_with_the_sandbox_gets_past_the_check() {
        // It fails later, on the database: proof the check let it through.
        let built = Application::build(unreachable_settings(Provider::Sandbox, SANDBOX_SECRET)).await;
        assert!(matches!(built, Err(StartupError::Db(_))), "{:?}", built.err());
    }
}
