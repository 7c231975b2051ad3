//! What handlers and consumers reach: database, NATS, the bus and the outbox relay.

use kit::bus::Bus;
use kit::db::Pool;
use kit::outbox::RelayHandle;

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// Inventory's own database.
    pub db: Pool,
    /// For readiness.
    pub nats: async_nats::Client,
    /// JetStream.
    pub bus: Bus,
    /// Wakes the outbox relay after a commit.
    pub relay: RelayHandle,
}
