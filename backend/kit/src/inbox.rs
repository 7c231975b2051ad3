//! Idempotent consumers: a handler records the event id in the same transaction as its
//! effect; a redelivered event finds its id there and changes nothing the second time.
//!
//! The `inbox` table is kit's own (`backend/kit/migrations`), in every service's database.

use crate::bus::HandleError;
use crate::db::{Connection, Exclusive, Pool, SqlBuilder, WriteTransaction};

/// One delivery of an event to an idempotent consumer, the way every saga step runs: in one
/// write transaction the inbox admits `event_id` for `consumer`, `work` makes the effect (and
/// writes the events that follow to the outbox), and the commit makes both happen together.
///
/// `Ok(None)`: a repeat of an event this consumer already handled, so nothing was done.
/// Database errors come back as [`HandleError::Retry`]; `work` returning an error rolls all
/// back. The caller wakes its outbox relay when `work` wrote events. `work` may end with
/// [`WriteTransaction::execute_then_commit`] for its last statements (they then go with the
/// commit), after which it must not fail.
pub async fn handle_once<T>(
    db: &Pool,
    consumer: &str,
    event_id: &str,
    work: impl AsyncFnOnce(&mut WriteTransaction) -> Result<T, HandleError>,
) -> Result<Option<T>, HandleError> {
    handle_once_for(db, Exclusive::Database, consumer, event_id, work).await
}

/// [`handle_once`] for a step that writes only `exclusive`'s rows (one order's): on
/// PostgreSQL, steps for other orders run beside it ([`crate::db::begin_write_for`]). The
/// inbox row is the event's own, so two deliveries of one event still meet on the order.
pub async fn handle_once_for<T>(
    db: &Pool,
    exclusive: Exclusive<'_>,
    consumer: &str,
    event_id: &str,
    work: impl AsyncFnOnce(&mut WriteTransaction) -> Result<T, HandleError>,
) -> Result<Option<T>, HandleError> {
    // The transaction begins with the inbox row: on SQLite one round trip for both.
    let (mut tx, admitted) = crate::db::begin_write_with(db, exclusive, |statement| {
        push_first_delivery(statement, consumer, event_id)
    })
    .await?;
    if admitted != 1 {
        // Ended here rather than dropped: on SQLite a dropped write transaction closes the
        // writing connection (kit's, see `db::begin_write`), and the next step would open one.
        tx.rollback().await?;
        return Ok(None);
    }
    match work(&mut tx).await {
        Ok(done) => {
            tx.commit().await?;
            Ok(Some(done))
        }
        Err(err) => {
            // The work's own error is the one to report; a failed rollback closes the
            // connection, which rolls back too.
            let _ = tx.rollback().await;
            Err(err)
        }
    }
}

/// Writes the statement recording that `consumer` handles `event_id` into `statement`; it
/// affects no row if the consumer already has.
fn push_first_delivery<'q>(statement: &mut SqlBuilder<'q>, consumer: &'q str, event_id: &'q str) {
    statement
        .push("INSERT INTO inbox (consumer, event_id, handled_at) VALUES (")
        .push_bind(consumer)
        .push(", ")
        .push_bind(event_id)
        .push(", ")
        .push_bind(crate::clock::unix_millis())
        .push(") ON CONFLICT DO NOTHING");
}

/// Records that `consumer` handles `event_id`; `false` if it already has (skip the effect).
pub async fn first_delivery(
    tx: &mut Connection,
    consumer: &str,
    event_id: &str,
) -> Result<bool, sqlx::Error> {
    let mut statement = SqlBuilder::for_connection(tx, "");
    push_first_delivery(&mut statement, consumer, event_id);
    let inserted = statement.execute_counting_last(tx).await?;
    Ok(inserted == 1)
}
