//! The start every service with a database shares: bind the port, open and migrate the
//! database, connect NATS and make sure the JetStream streams exist — so a service's
//! `startup.rs` is only its own state, consumers and routes.
//!
//! The port is bound first. Until the database and NATS are there, it answers `/healthz` with
//! 200 and everything else (`/readyz` included) with 503 naming what is missing: an orchestrator
//! sees a live process that is not ready, instead of a refused connection, while
//! [`crate::db::connect_until_ready`] logs each retry.

use std::future::Future;
use std::os::fd::AsFd;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use contracts::messaging::ALL_STREAMS;
use serde_json::json;
use sqlx::migrate::Migrator;
use tokio::net::TcpListener;

use crate::auth::Verifier;
use crate::bus::Bus;
use crate::config::ServiceConfig;
use crate::db::Pool;
use crate::outbox::RelayHandle;
use crate::serve::{Server, StartupError};

/// What a service builds on: its bound port, database, NATS client and JetStream bus.
pub struct Foundation {
    listener: TcpListener,
    /// The service's database, migrated.
    pub db: Pool,
    /// For request-reply and readiness.
    pub nats: async_nats::Client,
    /// JetStream, with every stream of `contracts::messaging` in place.
    pub bus: Bus,
}

impl Foundation {
    /// Binds `service`'s port, then connects the database (retrying while it is unreachable)
    /// and NATS, serving "not ready" on the port meanwhile. Fails on bad credentials, a missing
    /// database, a failed migration or NATS that never answers.
    pub async fn start(service: &ServiceConfig, migrator: &'static Migrator) -> Result<Self, StartupError> {
        let listener = TcpListener::bind(service.bind_address()).await?;
        let (db, nats) = not_ready_while(&listener, async {
            let db = crate::db::connect_until_ready(&service.database_url, migrator).await?;
            let nats = crate::nats::connect(&service.nats_url).await?;
            Ok::<_, StartupError>((db, nats))
        })
        .await??;
        let bus = Bus::new(nats.clone()).with_replicas(service.stream_replicas);
        bus.ensure_streams(ALL_STREAMS).await?;
        Ok(Self {
            listener,
            db,
            nats,
            bus,
        })
    }

    /// The bound port (a `PORT=0` bind picks one).
    pub fn port(&self) -> Result<u16, StartupError> {
        Ok(self.listener.local_addr()?.port())
    }

    /// Starts the outbox relay for this database (for a service that publishes events).
    pub fn spawn_relay(&self) -> RelayHandle {
        crate::outbox::spawn_relay(self.db.clone(), self.bus.clone())
    }

    /// A token verifier that fetches identity's keys over NATS.
    pub fn verifier(&self) -> Arc<Verifier> {
        Arc::new(Verifier::from_nats(self.nats.clone()))
    }

    /// The service, ready to serve `router` on the bound port.
    pub fn serve(self, router: Router) -> Result<Server, StartupError> {
        Ok(Server::new(self.listener, router)?)
    }
}

/// Runs `work` while a stand-in on `listener` answers `/healthz` 200 and every other path 503
/// (`{"ready": false, "failed": ["starting"]}`); the stand-in stops when `work` is done and the
/// listener is the service's again.
pub async fn not_ready_while<T>(
    listener: &TcpListener,
    work: impl Future<Output = T>,
) -> Result<T, StartupError> {
    // A second handle on the same socket: the stand-in accepts on it and drops it at the end,
    // which leaves the socket open for the service.
    let handle = std::net::TcpListener::from(listener.as_fd().try_clone_to_owned()?);
    handle.set_nonblocking(true)?;
    let stand_in = TcpListener::from_std(handle)?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let serving = axum::serve(stand_in, starting_router()).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(err) = serving.await {
            tracing::warn!(error = %err, "the not-ready stand-in stopped");
        }
    });
    let output = work.await;
    let _ = stop.send(());
    let _ = server.await;
    Ok(output)
}

fn starting_router() -> Router {
    let not_ready = || async {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"ready": false, "failed": ["starting"]})),
        )
    };
    Router::new()
        .route("/healthz", get(|| async { axum::Json(json!({"status": "ok"})) }))
        .fallback(not_ready)
}
