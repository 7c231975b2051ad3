//! `orders.paid` → a shipment → `shipping.shipment-created`.

use contracts::messaging::Envelope;
use contracts::orders::OrderPaid;
use contracts::shipping::ShipmentCreated;
use kit::bus::HandleError;
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
    let retry = |e: sqlx::Error| HandleError::Retry(e.to_string());
    let order = envelope.event;
    let mut tx = kit::db::begin_write(&state.db).await.map_err(retry)?;
    if !inbox::first_delivery(&mut tx, CONSUMER, &envelope.id)
        .await
        .map_err(retry)?
    {
        return Ok(());
    }
    let code = tracking::new_code();
    let next = clock::unix_millis() + state.settings.tracking_step.as_millis() as i64;
    let created = store::create(
        &mut tx,
        &order.order_id,
        &order.user_id,
        &order.shipping_address,
        &code,
        next,
    )
    .await
    .map_err(retry)?;
    if created {
        let event = ShipmentCreated {
            order_id: order.order_id,
            tracking_code: code,
        };
        outbox::enqueue(&mut tx, event).await.map_err(retry)?;
    }
    tx.commit().await.map_err(retry)?;
    state.relay.notify();
    Ok(())
}
