//! Keeps the catalog's copy of product ratings from `reviews.rating-changed`.
//!
//! Idempotent and order-proof: a rating replaces the copy only if its revision is newer, so
//! a redelivered or late event changes nothing. Rebuildable: the consumer is named after the
//! copy (an id kept in the catalog's database), so a catalog whose database was lost gets a
//! new consumer that replays the REVIEWS stream from its first event.

use std::sync::Arc;
use std::time::Duration;

use contracts::messaging::Envelope;
use contracts::reviews::RatingChanged;
use kit::bus::{Bus, Durable, HandleError};
use sqlx::SqlitePool;

use crate::cache::ResponseCache;
use crate::domain::rating;
use crate::store;

/// Consumer names are this plus the copy's id.
const CONSUMER_PREFIX: &str = "catalog-ratings";
/// After this long without a catalog pulling from it, a copy's consumer is deleted by the
/// server (its database is gone or the catalog was retired); long enough to outlast any outage.
const FORGET_IDLE_COPY_AFTER: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Starts following rating changes into `db`; each change drops the kept answers in `cache`.
pub async fn follow(
    bus: &Bus,
    db: SqlitePool,
    cache: Arc<ResponseCache>,
) -> Result<tokio::task::JoinHandle<()>, sqlx::Error> {
    let copy = store::projection_copy_id(&db, &uuid::Uuid::now_v7().simple().to_string()).await?;
    let durable = Durable::per_copy(format!("{CONSUMER_PREFIX}-{copy}"), FORGET_IDLE_COPY_AFTER);
    tracing::info!(consumer = durable.name(), "following rating changes");
    Ok(bus.consume(durable, move |envelope: Envelope<RatingChanged>| {
        keep(db.clone(), cache.clone(), envelope)
    }))
}

#[tracing::instrument(skip_all, fields(event_id = %envelope.id, product_id = envelope.event.product_id))]
async fn keep(
    db: SqlitePool,
    cache: Arc<ResponseCache>,
    envelope: Envelope<RatingChanged>,
) -> Result<(), HandleError> {
    let known = rating::from_event(&envelope.event).map_err(HandleError::Reject)?;
    let changed = store::keep_rating(&db, &known)
        .await
        .map_err(|err| HandleError::Retry(err.to_string()))?;
    if changed {
        cache.invalidate();
    } else {
        tracing::debug!(
            revision = known.rating.revision,
            "older or repeated rating ignored"
        );
    }
    Ok(())
}
