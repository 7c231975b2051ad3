//! Building the catalog: database, NATS, responders, and the HTTP router.

use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::routes::{categories, images, openapi, products};
use crate::state::AppState;
use crate::{events, store};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// Database open, migration or seeding failed.
    #[error(transparent)]
    Db(#[from] kit::db::DbError),
    /// Seeding failed.
    #[error("seeding the catalog failed: {0}")]
    Seed(#[from] sqlx::Error),
    /// NATS unreachable or subscription failed.
    #[error(transparent)]
    Nats(#[from] kit::nats::NatsError),
    /// The port could not be bound.
    #[error("cannot listen: {0}")]
    Bind(#[from] std::io::Error),
}

/// A built, bound catalog ready to serve.
pub struct Application {
    listener: TcpListener,
    router: Router,
    port: u16,
}

impl Application {
    /// Opens the database (migrating and seeding), connects NATS, starts the price responder
    /// and binds the port.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let db = kit::db::connect_sqlite(&settings.service.database_url, &MIGRATOR).await?;
        store::seed_if_empty(&db).await?;
        let nats = kit::nats::connect(&settings.service.nats_url).await?;
        events::prices::serve(nats.clone(), db.clone()).await?;
        let listener = TcpListener::bind(settings.service.bind_address()).await?;
        let port = listener.local_addr()?.port();
        Ok(Self {
            listener,
            router: router(AppState { db, nats }),
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

/// The catalog's HTTP routes with the standard layers.
pub fn router(state: AppState) -> Router {
    let ready = kit::health::database_and_nats(state.db.clone(), state.nats.clone());
    let api = Router::new()
        .route("/products", get(products::products_list))
        .route("/products/{id}", get(products::products_get))
        .route("/products/{id}/image.svg", get(images::products_image))
        .route("/categories", get(categories::categories_list))
        .route("/openapi.json", get(openapi::openapi_json))
        .with_state(state);
    kit::http::layers(api.merge(kit::health::router(ready)))
}
