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
    let paid = &envelope.event;
    inbox::handle_once(&db, CONSUMER, &envelope.id, async |tx| {
        if let Some(take) = store::take_bought(tx, &paid.user_id, &paid.items) {
            tx.execute_then_commit(take).await?;
        }
        Ok(())
    })
    .await
    .map(drop)
}
