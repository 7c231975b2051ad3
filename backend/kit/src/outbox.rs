//! The transactional outbox: an event is written in the same database transaction as the
//! state change it announces, and a relay publishes it afterwards. A crash can delay an event
//! but never lose it, nor publish one for a change that was rolled back.
//!
//! Each publishing service's migrations create the table:
//!
//! ```sql
//! CREATE TABLE outbox (
//!     id           TEXT PRIMARY KEY,   -- the envelope id = Nats-Msg-Id
//!     subject      TEXT NOT NULL,
//!     payload      BLOB NOT NULL,      -- the JSON envelope
//!     created_at   INTEGER NOT NULL,   -- Unix milliseconds, publication order
//!     published_at INTEGER
//! );
//! CREATE INDEX outbox_unpublished ON outbox (created_at) WHERE published_at IS NULL;
//! ```

use std::sync::Arc;
use std::time::Duration;

use contracts::messaging::{DomainEvent, Envelope};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::Notify;

use crate::bus::{Bus, BusError};

/// Events published per relay round.
const BATCH: i64 = 256;
/// The relay also looks on its own this often (a notify can be missed across a restart).
const POLL: Duration = Duration::from_millis(500);

/// Writes `event` to the outbox inside the caller's transaction and returns its envelope.
pub async fn enqueue<E: DomainEvent>(
    tx: &mut SqliteConnection,
    event: E,
) -> Result<Envelope<E>, sqlx::Error> {
    let envelope = Envelope {
        id: uuid::Uuid::now_v7().to_string(),
        occurred_at: crate::clock::now_rfc3339(),
        event,
    };
    let payload = serde_json::to_vec(&envelope).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query("INSERT INTO outbox (id, subject, payload, created_at) VALUES (?, ?, ?, ?)")
        .bind(&envelope.id)
        .bind(E::SUBJECT)
        .bind(payload)
        .bind(crate::clock::unix_millis())
        .execute(tx)
        .await?;
    Ok(envelope)
}

/// Wakes the relay after a commit, so events go out at once instead of at the next poll.
#[derive(Clone, Default)]
pub struct RelayHandle {
    wake: Arc<Notify>,
}

impl RelayHandle {
    /// Tells the relay there is something to publish.
    pub fn notify(&self) {
        self.wake.notify_one();
    }
}

/// Starts the relay: publishes unpublished rows in order, marks them published.
pub fn spawn_relay(db: SqlitePool, bus: Bus) -> RelayHandle {
    let handle = RelayHandle::default();
    let wake = handle.wake.clone();
    tokio::spawn(async move {
        loop {
            match relay_once(&db, &bus).await {
                Ok(n) if n as i64 == BATCH => continue,
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "outbox relay: will retry"),
            }
            let _ = tokio::time::timeout(POLL, wake.notified()).await;
        }
    });
    handle
}

/// Relay failure: the database or the bus.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// Reading or marking rows failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Publishing failed.
    #[error(transparent)]
    Bus(#[from] BusError),
}

/// Publishes one batch; returns how many rows it published.
pub async fn relay_once(db: &SqlitePool, bus: &Bus) -> Result<usize, RelayError> {
    let rows = sqlx::query(
        "SELECT id, subject, payload FROM outbox WHERE published_at IS NULL ORDER BY created_at, id LIMIT ?",
    )
    .bind(BATCH)
    .fetch_all(db)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    // Publish concurrently, then mark together: the server keeps each subject's order, and a
    // crash before the mark only re-publishes ids the server de-duplicates.
    let publishes = rows.iter().map(|row| {
        let id: String = row.get(0);
        let subject: String = row.get(1);
        let payload: Vec<u8> = row.get(2);
        async move { bus.publish_raw(&subject, &id, payload.into()).await.map(|_| id) }
    });
    let results = futures::future::join_all(publishes).await;
    let mut published = Vec::with_capacity(results.len());
    let mut first_error = None;
    for result in results {
        match result {
            Ok(id) => published.push(id),
            Err(err) => first_error = first_error.or(Some(err)),
        }
    }
    mark_published(db, &published).await?;
    let published = published.len();
    match first_error {
        Some(err) => Err(err.into()),
        None => Ok(published),
    }
}

/// Marks `ids` published in one statement: the relay shares its database's single writer with
/// every request and saga step, so it holds the write turn as briefly as it can.
async fn mark_published(db: &SqlitePool, ids: &[String]) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut update = QueryBuilder::<Sqlite>::new("UPDATE outbox SET published_at = ");
    update
        .push_bind(crate::clock::unix_millis())
        .push(" WHERE id IN (");
    let mut list = update.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
    update.push(")");
    crate::db::write_alone(db, update.build()).await.map(|_| ())
}
