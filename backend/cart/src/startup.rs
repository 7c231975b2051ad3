//! Building the cart: database, NATS (snapshot responder, paid-order consumer), the token
//! verifier, and the HTTP router.

use std::sync::Arc;

use axum::routing::{get, post, put};
use axum::Router;
use kit::auth::Verifier;
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::events;
use crate::routes::{cart, openapi};
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

/// A built, bound cart service ready to serve.
pub struct Application {
    listener: TcpListener,
    router: Router,
    port: u16,
}

impl Application {
    /// Opens the database (migrating), connects NATS and binds the port.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let db = kit::db::connect_sqlite(&settings.service.database_url, &MIGRATOR).await?;
        let nats = kit::nats::connect(&settings.service.nats_url).await?;
        events::snapshot::serve(nats.clone(), db.clone()).await?;
        let bus = kit::bus::Bus::new(nats.clone());
        bus.ensure_streams(contracts::messaging::ALL_STREAMS).await?;
        events::paid::start(&bus, db.clone());
        let state = AppState {
            verifier: Arc::new(Verifier::from_nats(nats.clone())),
            db,
            nats,
            settings: Arc::new(settings),
        };
        let listener = TcpListener::bind(state.settings.service.bind_address()).await?;
        let port = listener.local_addr()?.port();
        Ok(Self {
            listener,
            router: router(state),
            port,
        })
    }

    /// The bound port (useful with `PORT=0`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM / Ctrl-C.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        kit::serve::serve(self.listener, self.router).await
    }
}

/// The cart's HTTP routes with the standard layers.
pub fn router(state: AppState) -> Router {
    let ready = kit::health::database_and_nats(state.db.clone(), state.nats.clone());
    let api = Router::new()
        .route("/", get(cart::cart_get))
        .route("/items", post(cart::items_add))
        .route(
            "/items/{product_id}",
            put(cart::items_set).delete(cart::items_remove),
        )
        .route("/openapi.json", get(openapi::openapi_json))
        .with_state(state);
    kit::http::layers(api.merge(kit::health::router(ready)))
}
