//! Building the gateway: the services' addresses, the token verifier, the API proxy with its
//! limits, the static web, the layers.

use std::sync::Arc;

use axum::routing::{any, get};
use axum::Router;
use kit::auth::Verifier;
use kit::serve::{Server, StartupError};
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::feed::Feed;
use crate::limits::{AdmitLayer, Limits};
use crate::partner;
use crate::routes::{events, pages, proxy, web};
use crate::state::{AppState, Shared};
use crate::upstream::Upstreams;

/// Builds the gateway.
pub struct Application;

impl Application {
    /// Connects NATS (token keys come from identity over it), binds the port, builds the router.
    pub async fn build(settings: Settings) -> Result<Server, StartupError> {
        let nats = kit::nats::connect(&settings.nats_url).await?;
        let feed = Feed::default();
        feed.follow(&nats)
            .await
            .map_err(|e| StartupError::Other(format!("cannot follow order updates: {e}")))?;
        let listener = TcpListener::bind((settings.host.as_str(), settings.port)).await?;
        Ok(Server::new(listener, router(&settings, nats, feed))?)
    }
}

/// The whole gateway: `/api/*` proxy (access checks, limits), `/api/events`, health, and the
/// web as fallback.
pub fn router(settings: &Settings, nats: async_nats::Client, feed: Feed) -> Router {
    let state = AppState::new(Shared {
        upstreams: Arc::new(Upstreams::new(
            settings
                .upstreams
                .iter()
                .map(|(service, bases)| (service.name, bases.as_slice())),
            settings.breaker,
        )),
        timeout: settings.upstream_timeout,
        deadline: settings.upstream_deadline,
        pages: settings.pages,
        forwarding: Arc::new(settings.forwarding.clone()),
        verifier: Arc::new(Verifier::from_nats(nats.clone())),
        limits: Arc::new(Limits::new(settings.limits)),
        feed,
    });
    crate::aggregate::metrics::register(pages::PRODUCT_PAGE, &pages::PRODUCT_PARTS);
    let partner = partner::router(&settings.partner, nats.clone(), state.clone());
    // Routed in full rather than `nest("/api", …)`: nesting rebuilds every request's URI
    // without the prefix, measurable on the proxy's path.
    let api = Router::new()
        .route("/api/events", get(events::order_events))
        .route("/api/pages/product/{id}", pages::product_route())
        .route("/api/{*rest}", any(proxy::proxy))
        .layer(AdmitLayer::new(state.clone()))
        .with_state(state);
    let index = settings.web_dir.join("index.html");
    let ready = kit::health::readiness(move || {
        let index = index.clone();
        let nats = nats.connection_state() == async_nats::connection::State::Connected;
        async move { vec![("web", index.is_file()), ("nats", nats)] }
    });
    // The proxy has its own deadlines (504) and passes the services' bodies on as they come
    // (compressed by the services themselves): only ids and traces wrap it (`observe`), and it
    // counts its answers per service itself.
    let proxied = api
        // The bare prefix names no service; it must never fall through to the shell.
        .route("/api", any(proxy::unknown_api))
        .route("/api/", any(proxy::unknown_api))
        .merge(partner);
    let site = Router::new()
        .merge(kit::health::router(ready))
        .merge(web::router(&settings.web_dir, settings.mfe_overrides));
    crate::observe::observed(proxied).merge(kit::http::layers(site))
}
