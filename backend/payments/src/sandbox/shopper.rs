//! The sandbox's stand-in for a shopper who pays at once (`SANDBOX_AUTO_PAY`, for load tests
//! of the whole saga).
//!
//! A shopper can first reach the pay page when the store announces it: payments commits the
//! session, then its outbox relay publishes `payments.session-created` with the checkout URL.
//! So that is when this shopper presses Pay, and not when the provider creates the session:
//! payments has not committed its row by then, and the webhook rightly refuses an event about
//! a session it does not know (decision 0021: ~1.5 refused deliveries per order, each retried).
//!
//! It listens on plain NATS, beside the stream (as the gateway's status feed does), in one
//! queue group: replicas share the presses, and a press of a session already closed does
//! nothing, so a re-published announcement is harmless.

use contracts::messaging::{DomainEvent, Envelope};
use contracts::payments::PaymentSessionCreated;
use futures::StreamExt;

use super::Button;
use crate::state::AppState;

/// The queue group the replicas' shoppers share.
const QUEUE: &str = "sandbox-auto-pay";

/// Subscribes (on the server before it returns, so no announcement made after start-up is
/// missed), then presses Pay on each announced session in the background.
pub async fn start(state: &AppState) -> Result<(), async_nats::Error> {
    let mut announced = state
        .nats
        .queue_subscribe(PaymentSessionCreated::SUBJECT, QUEUE.into())
        .await?;
    state.nats.flush().await?;
    let state = state.clone();
    tokio::spawn(async move {
        while let Some(message) = announced.next().await {
            match serde_json::from_slice::<Envelope<PaymentSessionCreated>>(&message.payload) {
                Ok(envelope) => super::press_soon(&state, &envelope.event.session_id, Button::Pay),
                Err(err) => tracing::warn!(error = %err, "sandbox shopper: unreadable announcement skipped"),
            }
        }
    });
    Ok(())
}
