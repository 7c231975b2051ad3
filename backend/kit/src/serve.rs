//! Serving a router until SIGTERM or Ctrl-C, letting in-flight requests finish; the [`Server`]
//! every service's build returns and the one [`StartupError`] they fail with.

use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;

/// A service built and bound to its port, ready to serve: what every service's
/// `Application::build` returns (tests read the port of a `PORT=0` bind from it).
pub struct Server {
    listener: TcpListener,
    router: Router,
    port: u16,
}

impl Server {
    /// Pairs a bound listener with the service's router.
    pub fn new(listener: TcpListener, router: Router) -> std::io::Result<Self> {
        let port = listener.local_addr()?.port();
        Ok(Self {
            listener,
            router,
            port,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM / Ctrl-C, then drains in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        serve(self.listener, self.router).await
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

/// Serves `router` on `listener` until [`shutdown_signal`] fires, then drains connections.
pub async fn serve(listener: TcpListener, router: Router) -> std::io::Result<()> {
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
    // Connect info lets handlers see the peer address (forwarding headers, rate limits).
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopped");
    crate::telemetry::flush();
    Ok(())
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
