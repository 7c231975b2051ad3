//! What kit's integration tests share: a small event on a real subject, in a fresh envelope,
//! and a database with only kit's own tables.
// Each test binary uses a part of this.
#![allow(dead_code)]

use contracts::messaging::{DomainEvent, Envelope};
use serde::{Deserialize, Serialize};

/// A test event carrying a number, to tell deliveries apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pinged {
    pub n: u32,
}

impl DomainEvent for Pinged {
    // A real subject so the stream table applies; tests use their own nats-server.
    const SUBJECT: &'static str = "orders.test-pinged";
}

/// `Pinged { n }` in an envelope with a new id.
pub fn envelope(n: u32) -> Envelope<Pinged> {
    Envelope {
        id: uuid::Uuid::now_v7().to_string(),
        occurred_at: "2026-11-25T00:00:00Z".into(),
        event: Pinged { n },
    }
}

/// No migrations of a service: `kit::db::connect` still adds kit's tables (outbox, inbox).
pub static NO_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate::Migrator {
    migrations: std::borrow::Cow::Borrowed(&[]),
    ignore_missing: false,
    locking: true,
    no_tx: false,
};
