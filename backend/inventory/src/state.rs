//! What handlers and consumers reach: database, NATS, the bus and the outbox relay.

use kit::bus::Bus;
use kit::outbox::RelayHandle;
use sqlx::SqlitePool;

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// Inventory's own database.
    pub db: SqlitePool,
    /// For readiness.
    pub nats: async_nats::Client,
    /// JetStream.
    pub bus: Bus,
    /// Wakes the outbox relay after a commit.
    pub relay: RelayHandle,
}
