//! What every handler can reach: the database pool, the answers kept in memory and the NATS
//! client.

use std::sync::Arc;

use sqlx::SqlitePool;

use crate::cache::ResponseCache;

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// The catalog's own database.
    pub db: SqlitePool,
    /// Serialized answers, dropped on every change to the data (`cache`).
    pub cache: Arc<ResponseCache>,
    /// Connection used for request-reply and readiness.
    pub nats: async_nats::Client,
}
