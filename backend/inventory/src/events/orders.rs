//! Reacting to orders: reserve on `orders.created`, commit on `orders.paid`, release on
//! `orders.cancelled`.

use contracts::inventory::{InventoryRejected, InventoryReserved};
use contracts::messaging::Envelope;
use contracts::orders::{OrderCancelled, OrderCreated, OrderPaid};
use kit::bus::HandleError;
use kit::{inbox, outbox};

use crate::state::AppState;
use crate::store;

/// Durable consumer names (also the inbox keys).
pub const RESERVE: &str = "inventory-reserve";
/// See [`RESERVE`].
pub const COMMIT: &str = "inventory-commit";
/// See [`RESERVE`].
pub const RELEASE: &str = "inventory-release";

/// Starts the three consumers.
pub fn start(state: &AppState) {
    let s = state.clone();
    state
        .bus
        .consume(RESERVE, move |e: Envelope<OrderCreated>| reserve(s.clone(), e));
    let s = state.clone();
    state
        .bus
        .consume(COMMIT, move |e: Envelope<OrderPaid>| commit(s.clone(), e));
    let s = state.clone();
    state
        .bus
        .consume(RELEASE, move |e: Envelope<OrderCancelled>| release(s.clone(), e));
}

/// Holds every line or none, and says which.
#[tracing::instrument(skip_all, fields(order_id = %envelope.event.order_id))]
async fn reserve(state: AppState, envelope: Envelope<OrderCreated>) -> Result<(), HandleError> {
    let order = envelope.event;
    if order.items.is_empty() || order.items.iter().any(|i| i.quantity == 0) {
        return Err(HandleError::Reject("an order needs lines with quantities".into()));
    }
    let done = inbox::handle_once(&state.db, RESERVE, &envelope.id, async |tx| {
        let short = store::shortages(tx, &order.items).await?;
        if short.is_empty() {
            // The holds, the event announcing them and the commit, in one round trip on SQLite.
            let mut hold = store::hold(tx, &order.order_id, &order.items);
            let reserved = InventoryReserved {
                order_id: order.order_id.clone(),
                total: order.total,
            };
            outbox::push_enqueue(&mut hold, reserved)?;
            tx.execute_then_commit(hold).await?;
        } else {
            tracing::info!(?short, "order rejected: out of stock");
            let rejected = InventoryRejected {
                order_id: order.order_id,
                reason: "Some items are out of stock.".into(),
                short,
            };
            outbox::enqueue_then_commit(tx, rejected).await?;
        }
        Ok(())
    })
    .await?;
    if done.is_some() {
        state.relay.notify();
    }
    Ok(())
}

#[tracing::instrument(skip_all, fields(order_id = %envelope.event.order_id))]
async fn commit(state: AppState, envelope: Envelope<OrderPaid>) -> Result<(), HandleError> {
    let order_id = &envelope.event.order_id;
    inbox::handle_once(&state.db, COMMIT, &envelope.id, async |tx| {
        Ok(tx.execute_then_commit(store::commit(tx, order_id)).await?)
    })
    .await
    .map(drop)
}

#[tracing::instrument(skip_all, fields(order_id = %envelope.event.order_id))]
async fn release(state: AppState, envelope: Envelope<OrderCancelled>) -> Result<(), HandleError> {
    let order_id = &envelope.event.order_id;
    inbox::handle_once(&state.db, RELEASE, &envelope.id, async |tx| {
        Ok(tx.execute_then_commit(store::release(tx, order_id)).await?)
    })
    .await
    .map(drop)
}
