//! `reviews.rating-changed`: written to the outbox in the transaction that moved the rating.

use contracts::reviews::{RatingChanged, RatingSummary};
use kit::db::Connection;

use crate::domain::rating::summarize;
use crate::store;

/// Recomputes `product_id`'s rating inside `tx` and queues the event announcing it.
pub async fn announce(tx: &mut Connection, product_id: i64) -> Result<RatingSummary, sqlx::Error> {
    let revision = store::next_revision(tx, product_id).await?;
    let summary = summarize(store::star_counts(tx, product_id).await?, revision);
    let changed = RatingChanged {
        product_id,
        average: summary.average,
        count: summary.count,
        revision,
    };
    kit::outbox::enqueue(tx, changed).await?;
    Ok(summary)
}
