//! `orders.paid`: what was bought leaves the cart (only that much: anything added while the
//! shopper was paying stays).

use contracts::messaging::Envelope;
use contracts::orders::OrderPaid;
use kit::bus::{Bus, HandleError};
use kit::db::Pool;
use kit::inbox;

use crate::store;

/// The durable consumer (also the inbox key).
pub const CONSUMER: &str = "cart-clear-paid";

/// Starts the consumer.
pub fn start(bus: &Bus, db: Pool) {
    bus.consume(CONSUMER, move |e: Envelope<OrderPaid>| on_paid(db.clone(), e));
}

#[tracing::instrument(skip_all, fields(order_id = %envelope.event.order_id))]
async fn on_paid(db: Pool, envelope: Envelope<OrderPaid>) -> Result<(), HandleError> {
    let retry = |e: sqlx::Error| HandleError::Retry(e.to_string());
    let mut tx = kit::db::begin_write(&db).await.map_err(retry)?;
    if inbox::first_delivery(&mut tx, CONSUMER, &envelope.id)
        .await
        .map_err(retry)?
    {
        store::take_bought(&mut tx, &envelope.event.user_id, &envelope.event.items)
            .await
            .map_err(retry)?;
    }
    tx.commit().await.map_err(retry)
}
