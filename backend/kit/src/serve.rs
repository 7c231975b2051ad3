//! Serving a router (or any tower service) with hyper until SIGTERM or Ctrl-C, letting
//! in-flight requests finish; the [`Server`] every service's build returns and the one
//! [`StartupError`] they fail with. (The gateway serves with its own HTTP/1.1 server,
//! `mercado_gateway::front`, and shares only [`shutdown_signal`].)

use std::convert::Infallible;
use std::net::SocketAddr;
use std::task::{Context, Poll};

use axum::extract::{ConnectInfo, Request};
use axum::response::Response;
use axum::serve::{IncomingStream, Listener, ListenerExt};
use axum::{Extension, Router};
use tokio::net::TcpListener;
use tower::{Layer, Service};

/// A service built and bound to its port, ready to serve: what every service's
/// `Application::build` returns (tests read the port of a `PORT=0` bind from it).
///
/// `App` is what answers requests: a `Router`, or a tower service in front of routers.
pub struct Server<App = Router> {
    listener: TcpListener,
    app: App,
    port: u16,
}

impl<App> Server<App>
where
    App: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    App::Future: Send,
{
    /// Pairs a bound listener with the service's router (or other tower service).
    pub fn new(listener: TcpListener, app: App) -> std::io::Result<Self> {
        let port = listener.local_addr()?.port();
        Ok(Self { listener, app, port })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM / Ctrl-C, then drains in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        serve(self.listener, self.app).await
    }
}

/// Why a service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// Database open or migration failed.
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    /// A start-up query (seeding, keys) failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// NATS unreachable, or a responder could not subscribe.
    #[error(transparent)]
    Nats(#[from] crate::nats::NatsError),
    /// JetStream streams could not be created.
    #[error(transparent)]
    Bus(#[from] crate::bus::BusError),
    /// The port could not be bound.
    #[error("cannot listen: {0}")]
    Bind(#[from] std::io::Error),
    /// Anything else a service needs at start (e.g. its signing keys).
    #[error("{0}")]
    Other(String),
}

/// Serves `app` on `listener` until [`shutdown_signal`] fires, then drains connections.
pub async fn serve<App>(listener: TcpListener, app: App) -> std::io::Result<()>
where
    App: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    App::Future: Send,
{
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "listening");
    }
    // No Nagle: a response written in several pieces (head, compressed body frames) must not
    // wait for the client's delayed ACK — that added ~40 ms to small API answers.
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::warn!(error = %err, "could not set TCP_NODELAY");
        }
    });
    axum::serve(listener, WithPeerAddress(app))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopped");
    crate::telemetry::flush();
    Ok(())
}

/// Makes `App` for each accepted connection, with the peer's address as a [`ConnectInfo`]
/// extension on every request (handlers read it for forwarding headers and rate limits):
/// what `Router::into_make_service_with_connect_info` does, for any tower service, with
/// axum's own extension layer.
#[derive(Clone)]
struct WithPeerAddress<App>(App);

/// `App` serving one connection, its peer's address added to each request.
type WithPeer<App> = <Extension<ConnectInfo<SocketAddr>> as Layer<App>>::Service;

impl<'a, L, App> Service<IncomingStream<'a, L>> for WithPeerAddress<App>
where
    L: Listener<Addr = SocketAddr>,
    App: Clone,
{
    type Response = WithPeer<App>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, stream: IncomingStream<'a, L>) -> Self::Future {
        let peer = Extension(ConnectInfo(*stream.remote_addr()));
        std::future::ready(Ok(peer.layer(self.0.clone())))
    }
}

/// Resolves on Ctrl-C or SIGTERM (what compose and `xtask up` send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received; draining connections");
}
