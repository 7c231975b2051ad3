//! Building the gateway: the services' addresses, the token verifier, the API proxy with its
//! limits, the static web, the layers.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::handler::Handler;
use axum::response::Response;
use axum::routing::{any, get};
use axum::Router;
use futures::future::BoxFuture;
use kit::auth::Verifier;
use kit::serve::StartupError;
use tokio::net::TcpListener;
use tower::util::BoxCloneSyncService;
use tower::{Service, ServiceBuilder};

use crate::config::Settings;
use crate::feed::Feed;
use crate::front::Server;
use crate::limits::{AdmitLayer, Limits};
use crate::observe::ObserveLayer;
use crate::partner;
use crate::routes::{events, pages, proxy, web};
use crate::state::{AppState, Shared};
use crate::upstream::Upstreams;

/// Builds the gateway.
pub struct Application;

impl Application {
    /// Connects NATS (token keys come from identity over it), binds the port, builds the router.
    pub async fn build(settings: Settings) -> Result<Server<Gateway>, StartupError> {
        let nats = kit::nats::connect(&settings.nats_url).await?;
        let feed = Feed::default();
        feed.follow(&nats)
            .await
            .map_err(|e| StartupError::Other(format!("cannot follow order updates: {e}")))?;
        let listener = TcpListener::bind((settings.host.as_str(), settings.port)).await?;
        Ok(Server::new(listener, gateway(&settings, nats, feed))?)
    }
}

/// The whole gateway: `/api/*` proxy (access checks, limits), `/api/events`, health, and the
/// web as fallback.
pub fn gateway(settings: &Settings, nats: async_nats::Client, feed: Feed) -> Gateway {
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
        .with_state(state.clone());
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
    Gateway {
        // With spans exported, every request takes the router and its tracing layers.
        to_services: (!kit::telemetry::exporting()).then(|| to_services(&state)),
        upstreams: state.upstreams.clone(),
        everything_else: crate::observe::observed(proxied).merge(kit::http::layers(site)),
    }
}

/// The proxy, in the layers every proxied request goes through, without a router.
fn to_services(state: &AppState) -> BoxCloneSyncService<Request, Response, Infallible> {
    let stack = ServiceBuilder::new()
        .layer(ObserveLayer)
        .layer(AdmitLayer::new(state.clone()))
        .service(proxy::proxy.with_state(state.clone()));
    BoxCloneSyncService::new(stack)
}

/// What the gateway serves: a request for a service (`/api/<service>/…`) goes straight to the
/// proxy, everything else through the route table.
///
/// Through the table, a proxied request matched its wildcard route, and axum stored the
/// captured tail in the request: about 3 k instructions of the proxy's path (decision 0020).
/// A router's fallback is itself such a route in axum 0.8, which is why this is a service of
/// its own rather than a router in front of routers.
#[derive(Clone)]
pub struct Gateway {
    upstreams: Arc<Upstreams>,
    to_services: Option<BoxCloneSyncService<Request, Response, Infallible>>,
    everything_else: Router,
}

impl Service<Request> for Gateway {
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Routers and the proxy are always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match &mut self.to_services {
            Some(proxy) if names_a_service(&self.upstreams, request.uri()) => proxy.call(request),
            _ => Box::pin(self.everything_else.call(request)),
        }
    }
}

/// Whether `uri` is `/api/<service>…` for a configured service.
fn names_a_service(upstreams: &Upstreams, uri: &http::Uri) -> bool {
    let Some(after) = uri.path().strip_prefix("/api/") else {
        return false;
    };
    let name = after.split('/').next().unwrap_or_default();
    upstreams.get(name).is_some()
}
