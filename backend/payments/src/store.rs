//! Payments' queries: sessions and the provider events already handled.

use kit::db::{Connection, Pool, SqlBuilder};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A payment session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Session id.
    pub id: String,
    /// The order it pays for.
    pub order_id: String,
    /// Amount in cents.
    pub amount_cents: i64,
    /// `OPEN`, `PAID`, `FAILED` or `EXPIRED`.
    pub status: String,
}

/// Records the provider's session `id` for `order_id` unless the order has one; whether it
/// is new (a redelivered `inventory.reserved` finds the first one).
#[tracing::instrument(skip_all, fields(order_id))]
pub async fn insert_session(
    tx: &mut Connection,
    id: &str,
    order_id: &str,
    amount_cents: i64,
    now: i64,
    expires_at: i64,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO sessions (id, order_id, amount_cents, status, created_at, expires_at)
         VALUES ($1, $2, $3, 'OPEN', $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(order_id)
    .bind(amount_cents)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

fn session(row: &AnyRow) -> Result<Session, sqlx::Error> {
    Ok(Session {
        id: row.try_get(0)?,
        order_id: row.try_get(1)?,
        amount_cents: row.try_get(2)?,
        status: row.try_get(3)?,
    })
}

/// A session by id.
#[tracing::instrument(skip_all)]
pub async fn session_by_id(conn: &mut Connection, id: &str) -> Result<Option<Session>, sqlx::Error> {
    let row = sqlx::query("SELECT id, order_id, amount_cents, status FROM sessions WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(session).transpose()
}

/// Moves an OPEN session to `status`; the order id if it was open (else nothing changes).
///
/// The transition is the statement's condition, so of two closers racing for one session —
/// the webhook and the expiry sweep, or the sweeps of two replicas — exactly one gets the
/// order id back and publishes; the other finds the session closed.
#[tracing::instrument(skip_all, fields(status))]
pub async fn close_session(
    tx: &mut Connection,
    id: &str,
    status: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("UPDATE sessions SET status = $1 WHERE id = $2 AND status = 'OPEN' RETURNING order_id")
        .bind(status)
        .bind(id)
        .fetch_optional(tx)
        .await
}

/// Sessions still OPEN at `now` past their expiry.
#[tracing::instrument(skip_all)]
pub async fn overdue(db: &Pool, now: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM sessions WHERE status = 'OPEN' AND expires_at <= $1 LIMIT 500")
        .bind(now)
        .fetch_all(db)
        .await
}

/// Writes the statement recording provider event `event_id` into `statement`; it affects no
/// row if the event was handled before.
pub fn push_first_webhook<'q>(statement: &mut SqlBuilder<'q>, event_id: &'q str, now: i64) {
    statement
        .push("INSERT INTO webhook_events (event_id, received_at) VALUES (")
        .push_bind(event_id)
        .push(", ")
        .push_bind(now)
        .push(") ON CONFLICT DO NOTHING");
}
