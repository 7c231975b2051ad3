//! `orders.paid` → a shipment → `shipping.shipment-created`.

use contracts::messaging::Envelope;
use contracts::orders::OrderPaid;
use contracts::shipping::ShipmentCreated;
use kit::bus::HandleError;
use kit::db::Exclusive;
use kit::{clock, inbox, outbox};

use crate::domain::tracking;
use crate::state::AppState;
use crate::store;

/// Durable consumer name (also the inbox key).
pub const CONSUMER: &str = "shipping-create";

/// Starts the consumer.
pub fn start(state: &AppState) {
    let s = state.clone();
    state
        .bus
        .consume(CONSUMER, move |e: Envelope<OrderPaid>| create(s.clone(), e));
}

#[tracing::instrument(skip_all, fields(order_id = %envelope.event.order_id))]
async fn create(state: AppState, envelope: Envelope<OrderPaid>) -> Result<(), HandleError> {
    let order = envelope.event;
    let code = tracking::new_code();
    let next = clock::unix_millis() + state.settings.tracking_step.as_millis() as i64;
    // Only this order's shipment: other orders' run beside it on PostgreSQL (the carrier,
    // a writer of the whole database, still waits for it).
    let exclusive = Exclusive::Aggregate(&order.order_id);
    let created = inbox::handle_once_for(&state.db, exclusive, CONSUMER, &envelope.id, async |tx| {
        let Some(mut step) = store::create(
            tx,
            &order.order_id,
            &order.user_id,
            &order.shipping_address,
            &code,
            next,
        )
        .await?
        else {
            return Ok(false); // The order has its shipment already.
        };
        let event = ShipmentCreated {
            order_id: order.order_id.clone(),
            tracking_code: code,
        };
        outbox::push_enqueue(&mut step, event)?;
        tx.execute_then_commit(step).await?;
        Ok(true)
    })
    .await?;
    if created == Some(true) {
        state.relay.notify();
    }
    Ok(())
}
