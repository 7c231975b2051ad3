//! Building shipping: database, JetStream streams, the outbox relay, the paid-order consumer,
//! the carrier, the token verifier, and the HTTP router.

use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use contracts::messaging::ALL_STREAMS;
use kit::auth::Verifier;
use kit::bus::Bus;
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::events;
use crate::routes::{openapi, shipments};
use crate::state::AppState;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// Database open or migration failed.
    #[error(transparent)]
    Db(#[from] kit::db::DbError),
    /// NATS unreachable.
    #[error(transparent)]
    Nats(#[from] kit::nats::NatsError),
    /// Streams could not be created.
    #[error(transparent)]
    Bus(#[from] kit::bus::BusError),
    /// The port could not be bound.
    #[error("cannot listen: {0}")]
    Bind(#[from] std::io::Error),
}

/// A built, bound shipping service.
pub struct Application {
    listener: TcpListener,
    router: Router,
    port: u16,
}

impl Application {
    /// Opens the database, connects NATS, makes sure the streams exist, starts the relay, the
    /// consumer and the carrier, and binds the port.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let db = kit::db::connect_sqlite(&settings.service.database_url, &MIGRATOR).await?;
        let nats = kit::nats::connect(&settings.service.nats_url).await?;
        let bus = Bus::new(nats.clone());
        bus.ensure_streams(ALL_STREAMS).await?;
        let relay = kit::outbox::spawn_relay(db.clone(), bus.clone());
        let state = AppState {
            verifier: Arc::new(Verifier::from_nats(nats.clone())),
            db,
            nats,
            bus,
            relay,
            settings: Arc::new(settings.clone()),
        };
        events::paid::start(&state);
        events::carrier::start(&state);
        let listener = TcpListener::bind(settings.service.bind_address()).await?;
        let port = listener.local_addr()?.port();
        Ok(Self {
            listener,
            router: router(state),
            port,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM / Ctrl-C.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        kit::serve::serve(self.listener, self.router).await
    }
}

/// Shipping's HTTP routes with the standard layers.
pub fn router(state: AppState) -> Router {
    let ready = kit::health::database_and_nats(state.db.clone(), state.nats.clone());
    let api = Router::new()
        .route("/shipments/{order_id}", get(shipments::shipments_get))
        .route("/openapi.json", get(openapi::openapi_json))
        .with_state(state);
    kit::http::layers(api.merge(kit::health::router(ready)))
}
