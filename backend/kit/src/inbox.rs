//! Idempotent consumers: a handler records the event id in the same transaction as its
//! effect; a redelivered event finds its id there and changes nothing the second time.
//!
//! Each consuming service's migrations create the table:
//!
//! ```sql
//! CREATE TABLE inbox (
//!     consumer   TEXT NOT NULL,
//!     event_id   TEXT NOT NULL,
//!     handled_at INTEGER NOT NULL,
//!     PRIMARY KEY (consumer, event_id)
//! );
//! ```

use sqlx::SqliteConnection;

/// Records that `consumer` handles `event_id`; `false` if it already has (skip the effect).
pub async fn first_delivery(
    tx: &mut SqliteConnection,
    consumer: &str,
    event_id: &str,
) -> Result<bool, sqlx::Error> {
    let inserted =
        sqlx::query("INSERT OR IGNORE INTO inbox (consumer, event_id, handled_at) VALUES (?, ?, ?)")
            .bind(consumer)
            .bind(event_id)
            .bind(crate::clock::unix_millis())
            .execute(tx)
            .await?
            .rows_affected();
    Ok(inserted == 1)
}
