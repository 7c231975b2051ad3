//! Payments' queries: sessions and the provider events already handled.

use sqlx::{Row, SqliteConnection, SqlitePool};

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

/// Opens a session for `order_id` unless it has one; returns the session and whether it is new.
#[tracing::instrument(skip_all, fields(order_id))]
pub async fn open_session(
    tx: &mut SqliteConnection,
    order_id: &str,
    amount_cents: i64,
    now: i64,
    expires_at: i64,
) -> Result<(Session, bool), sqlx::Error> {
    let id = format!("cs_{}", uuid::Uuid::new_v4().simple());
    let inserted = sqlx::query(
        "INSERT INTO sessions (id, order_id, amount_cents, status, created_at, expires_at)
         VALUES (?, ?, ?, 'OPEN', ?, ?) ON CONFLICT (order_id) DO NOTHING",
    )
    .bind(&id)
    .bind(order_id)
    .bind(amount_cents)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let row = sqlx::query("SELECT id, order_id, amount_cents, status FROM sessions WHERE order_id = ?")
        .bind(order_id)
        .fetch_one(&mut *tx)
        .await?;
    Ok((session(&row), inserted == 1))
}

fn session(row: &sqlx::sqlite::SqliteRow) -> Session {
    Session {
        id: row.get(0),
        order_id: row.get(1),
        amount_cents: row.get(2),
        status: row.get(3),
    }
}

/// A session by id.
#[tracing::instrument(skip_all)]
pub async fn session_by_id(db: &SqlitePool, id: &str) -> Result<Option<Session>, sqlx::Error> {
    let row = sqlx::query("SELECT id, order_id, amount_cents, status FROM sessions WHERE id = ?")
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.as_ref().map(session))
}

/// Moves an OPEN session to `status`; the order id if it was open (else nothing changes).
#[tracing::instrument(skip_all, fields(status))]
pub async fn close_session(
    tx: &mut SqliteConnection,
    id: &str,
    status: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("UPDATE sessions SET status = ? WHERE id = ? AND status = 'OPEN' RETURNING order_id")
        .bind(status)
        .bind(id)
        .fetch_optional(tx)
        .await
}

/// Sessions still OPEN at `now` past their expiry.
#[tracing::instrument(skip_all)]
pub async fn overdue(db: &SqlitePool, now: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM sessions WHERE status = 'OPEN' AND expires_at <= ? LIMIT 500")
        .bind(now)
        .fetch_all(db)
        .await
}

/// Records a provider event id; `false` if it was already handled.
#[tracing::instrument(skip_all)]
pub async fn first_webhook(tx: &mut SqliteConnection, event_id: &str, now: i64) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query("INSERT OR IGNORE INTO webhook_events (event_id, received_at) VALUES (?, ?)")
        .bind(event_id)
        .bind(now)
        .execute(tx)
        .await?
        .rows_affected();
    Ok(inserted == 1)
}
