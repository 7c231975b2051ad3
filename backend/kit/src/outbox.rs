//! The transactional outbox: an event is written in the same database transaction as the
//! state change it announces, and a relay publishes it afterwards. A crash can delay an event
//! but never lose it, nor publish one for a change that was rolled back.
//!
//! The `outbox` table is kit's own (`backend/kit/migrations`), in every service's database.
//!
//! Several replicas on one PostgreSQL database each run a relay over the same table; a row two
//! of them publish at once goes out twice with one `Nats-Msg-Id`, and JetStream keeps the
//! first (docs/decisions/0011).

use std::sync::Arc;
use std::time::Duration;

use contracts::messaging::{DomainEvent, Envelope};
use sqlx::Row;
use tokio::sync::Notify;

use crate::bus::{Bus, BusError};
use crate::db::{Connection, Dialect, Pool, SqlBuilder, WriteTransaction};

/// Events published per relay round.
const BATCH: i64 = 256;
/// The relay also looks on its own this often (a notify can be missed across a restart).
const POLL: Duration = Duration::from_millis(500);

/// Writes `event` to the outbox inside the caller's transaction and returns its envelope.
pub async fn enqueue<E: DomainEvent>(tx: &mut Connection, event: E) -> Result<Envelope<E>, sqlx::Error> {
    let (envelope, payload) = seal(event)?;
    let mut statement = SqlBuilder::for_connection(tx, "");
    push_insert(&mut statement, envelope.id.clone(), E::SUBJECT, payload);
    statement.execute(tx).await?;
    Ok(envelope)
}

/// Adds the statement writing `event` to the outbox to `query`, after the statements already
/// in it, and returns its envelope. The caller runs `query` in its transaction: on SQLite the
/// state change and its events then go to the database in one round trip instead of one per
/// event, each round trip being a hand-off to the connection's thread and back
/// (docs/decisions/0021); on PostgreSQL they run one after another as before.
pub fn push_enqueue<E: DomainEvent>(
    query: &mut SqlBuilder<'_>,
    event: E,
) -> Result<Envelope<E>, sqlx::Error> {
    let (envelope, payload) = seal(event)?;
    query.next_statement("");
    push_insert(query, envelope.id.clone(), E::SUBJECT, payload);
    Ok(envelope)
}

/// Writes `event` to the outbox as the last statement of `tx`, sent with its `COMMIT` on
/// SQLite ([`WriteTransaction::execute_then_commit`]: a step whose effect is done and whose
/// one event is left saves the round trip of its own). The caller still calls `commit`.
pub async fn enqueue_then_commit<E: DomainEvent>(
    tx: &mut WriteTransaction,
    event: E,
) -> Result<Envelope<E>, sqlx::Error> {
    let (envelope, payload) = seal(event)?;
    let mut statement = SqlBuilder::for_connection(tx, "");
    push_insert(&mut statement, envelope.id.clone(), E::SUBJECT, payload);
    tx.execute_then_commit(statement).await?;
    Ok(envelope)
}

/// The outbox row of one sealed event, written into the statement `query` is at.
fn push_insert(query: &mut SqlBuilder<'_>, id: String, subject: &'static str, payload: Vec<u8>) {
    query
        .push("INSERT INTO outbox (id, subject, payload, created_at, traceparent) VALUES (")
        .push_bind(id)
        .push(", ")
        .push_bind(subject)
        .push(", ")
        .push_bind(payload)
        .push(", ")
        .push_bind(crate::clock::unix_millis())
        .push(", ")
        // The writer's trace: the relay publishes later, from a task of its own.
        .push_bind(crate::telemetry::current_traceparent())
        .push(")");
}

/// `event` in a new envelope (a UUID v7 id, which is also its `Nats-Msg-Id`), and encoded.
fn seal<E: DomainEvent>(event: E) -> Result<(Envelope<E>, Vec<u8>), sqlx::Error> {
    let envelope = Envelope {
        id: uuid::Uuid::now_v7().to_string(),
        occurred_at: crate::clock::now_rfc3339(),
        event,
    };
    let payload = serde_json::to_vec(&envelope).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    Ok((envelope, payload))
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
pub fn spawn_relay(db: Pool, bus: Bus) -> RelayHandle {
    let handle = RelayHandle::default();
    let wake = handle.wake.clone();
    tokio::spawn(async move {
        // Published but not marked yet: the next look for rows marks them in the same trip.
        let mut published = Vec::new();
        loop {
            match relay_round(&db, &bus, &mut published).await {
                // Rows went out: look again at once, which also marks them.
                Ok(true) => continue,
                Ok(false) => {}
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

/// Publishes one batch and marks it published; returns how many rows it published.
pub async fn relay_once(db: &Pool, bus: &Bus) -> Result<usize, RelayError> {
    let mut published = Vec::new();
    let round = relay_round(db, bus, &mut published).await;
    mark_published(db, &published).await?;
    round.map(|_| published.len())
}

/// One round of the relay: marks `published` (what the last round sent) and reads the next
/// batch in one go, publishes it and leaves its ids in `published` for the next round to
/// mark. Returns whether there was anything to publish.
async fn relay_round(db: &Pool, bus: &Bus, published: &mut Vec<String>) -> Result<bool, RelayError> {
    let rows = crate::db::write_alone_then_fetch(db, mark_then_next_batch(db, published)).await?;
    published.clear();
    if rows.is_empty() {
        return Ok(false);
    }
    // Publish concurrently, then mark together: the server keeps each subject's order, and a
    // crash before the mark only re-publishes ids the server de-duplicates.
    let publishes = rows.iter().map(|row| {
        let id: String = row.get(0);
        let subject: String = row.get(1);
        let payload: Vec<u8> = row.get(2);
        let traceparent: Option<String> = row.get(3);
        async move {
            bus.publish_traced(&subject, &id, payload.into(), traceparent.as_deref())
                .await
                .map(|_| id)
        }
    });
    let mut first_error = None;
    for result in futures::future::join_all(publishes).await {
        match result {
            Ok(id) => published.push(id),
            Err(err) => first_error = first_error.or(Some(err)),
        }
    }
    match first_error {
        Some(err) => Err(err.into()),
        None => Ok(true),
    }
}

/// The statements marking `ids` published (if any) and reading the next batch: the relay
/// shares its database's single writer with every request and saga step, so it holds the
/// write turn once per round, as briefly as it can.
fn mark_then_next_batch<'q>(db: &Pool, ids: &'q [String]) -> SqlBuilder<'q> {
    const NEXT: &str = "SELECT id, subject, payload, traceparent FROM outbox \
                        WHERE published_at IS NULL ORDER BY created_at, id LIMIT ";
    let dialect = Dialect::of_pool(db);
    let mut statements = match mark(dialect, ids) {
        None => SqlBuilder::new(dialect, NEXT),
        Some(mut statements) => {
            statements.next_statement(NEXT);
            statements
        }
    };
    statements.push_bind(BATCH);
    statements
}

/// The statement marking `ids` published, or `None` when there are none.
fn mark(dialect: Dialect, ids: &[String]) -> Option<SqlBuilder<'_>> {
    if ids.is_empty() {
        return None;
    }
    let mut update = SqlBuilder::new(dialect, "UPDATE outbox SET published_at = ");
    update
        .push_bind(crate::clock::unix_millis())
        .push(" WHERE id IN ")
        .push_list(ids.iter().map(String::as_str));
    Some(update)
}

/// Marks `ids` published in one statement.
async fn mark_published(db: &Pool, ids: &[String]) -> Result<(), sqlx::Error> {
    let Some((sql, args)) = mark(Dialect::of_pool(db), ids).and_then(SqlBuilder::into_single) else {
        return Ok(());
    };
    crate::db::write_alone(db, sqlx::query_with(&sql, args))
        .await
        .map(|_| ())
}
