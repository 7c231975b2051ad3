//! `inventory.reserved` → open a payment session → `payments.session-created`.

use contracts::inventory::InventoryReserved;
use contracts::messaging::Envelope;
use contracts::payments::PaymentSessionCreated;
use kit::bus::HandleError;
use kit::{clock, inbox, outbox};

use crate::state::AppState;
use crate::store;

/// Durable consumer name (also the inbox key).
pub const CONSUMER: &str = "payments-open-session";

/// Starts the consumer.
pub fn start(state: &AppState) {
    let s = state.clone();
    state
        .bus
        .consume(CONSUMER, move |e: Envelope<InventoryReserved>| open(s.clone(), e));
}

/// The pay page of a session, as the shopper's browser reaches it through the gateway.
pub fn checkout_url(state: &AppState, session_id: &str) -> String {
    format!(
        "{}/sandbox/checkout/{session_id}",
        state.settings.public_path.trim_end_matches('/')
    )
}

#[tracing::instrument(skip_all, fields(order_id = %envelope.event.order_id))]
async fn open(state: AppState, envelope: Envelope<InventoryReserved>) -> Result<(), HandleError> {
    let retry = |e: sqlx::Error| HandleError::Retry(e.to_string());
    let order = envelope.event;
    if order.total.cents <= 0 {
        return Err(HandleError::Reject(format!(
            "nothing to charge for {}",
            order.order_id
        )));
    }
    let mut tx = kit::db::begin_write(&state.db).await.map_err(retry)?;
    if !inbox::first_delivery(&mut tx, CONSUMER, &envelope.id)
        .await
        .map_err(retry)?
    {
        return Ok(());
    }
    let now = clock::unix_millis() / 1000;
    let expires = now + state.settings.payment_timeout.as_secs() as i64;
    let (session, new) = store::open_session(&mut tx, &order.order_id, order.total.cents, now, expires)
        .await
        .map_err(retry)?;
    if new {
        let created = PaymentSessionCreated {
            order_id: order.order_id,
            checkout_url: checkout_url(&state, &session.id),
            session_id: session.id.clone(),
        };
        outbox::enqueue(&mut tx, created).await.map_err(retry)?;
    }
    tx.commit().await.map_err(retry)?;
    state.relay.notify();
    if new && state.settings.sandbox_auto_pay {
        crate::sandbox::pay_soon(state, session.id);
    }
    Ok(())
}
