//! What every handler can reach: the database pool and the NATS client.

use sqlx::SqlitePool;

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// The catalog's own database.
    pub db: SqlitePool,
    /// Connection used for request-reply and readiness.
    pub nats: async_nats::Client,
}
