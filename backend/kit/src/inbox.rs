//! Idempotent consumers: a handler records the event id in the same transaction as its
//! effect; a redelivered event finds its id there and changes nothing the second time.
//!
//! The `inbox` table is kit's own (`backend/kit/migrations`), in every service's database.

use crate::db::Connection;

/// Records that `consumer` handles `event_id`; `false` if it already has (skip the effect).
pub async fn first_delivery(
    tx: &mut Connection,
    consumer: &str,
    event_id: &str,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO inbox (consumer, event_id, handled_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(consumer)
    .bind(event_id)
    .bind(crate::clock::unix_millis())
    .execute(tx)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}
