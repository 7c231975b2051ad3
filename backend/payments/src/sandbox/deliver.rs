//! The sandbox's webhook deliveries, as Stripe makes them: an Event around the session as it
//! is now, signed (`Stripe-Signature: t=…,v1=…`) with the webhook secret, POSTed as JSON, and
//! tried again with growing pauses while the endpoint does not answer 2xx.

use std::time::Duration;

use axum::http::header;
use kit::clock;

use super::pay_page;
use super::store::SandboxSession;
use crate::domain::signature::{self, SIGNATURE_HEADER};
use crate::provider::wire::{CheckoutSession, Event, EventData, EventRequest, API_VERSION, EVENT_OBJECT};
use crate::state::AppState;

/// Tries of one background delivery, the first at once, then after 50 ms, 100 ms, … (about
/// 12 s in all): enough to outlast a webhook restarting or briefly failing, not a provider's
/// three days.
const TRIES: u32 = 9;

/// Why one delivery did not land.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The event could not be serialised.
    #[error("could not encode the event: {0}")]
    Encode(String),
    /// No answer.
    #[error("webhook unreachable: {0}")]
    Unreachable(String),
    /// An answer other than 2xx.
    #[error("webhook answered {0}")]
    Refused(u16),
}

/// The Event of type `kind` about `session` (a fresh `evt_…` id), `session` being the
/// object as it is now.
pub fn event(kind: &str, session: &CheckoutSession) -> Result<Event, DeliveryError> {
    Ok(Event {
        id: format!("evt_{}", uuid::Uuid::new_v4().simple()),
        object: EVENT_OBJECT.into(),
        api_version: Some(API_VERSION.into()),
        created: clock::unix_millis() / 1000,
        data: EventData {
            object: serde_json::to_value(session).map_err(|e| DeliveryError::Encode(e.to_string()))?,
        },
        livemode: false,
        pending_webhooks: 1,
        request: Some(EventRequest {
            id: None,
            idempotency_key: None,
        }),
        kind: kind.into(),
    })
}

/// The Event of type `kind` about the sandbox's `session`.
pub fn event_about(state: &AppState, kind: &str, session: &SandboxSession) -> Result<Event, DeliveryError> {
    event(kind, &session.to_object(pay_page(state, &session.id)))
}

/// Delivers `event` once.
pub async fn send(state: &AppState, event: &Event) -> Result<(), DeliveryError> {
    let body = serde_json::to_vec(event).map_err(|e| DeliveryError::Encode(e.to_string()))?;
    let signed = signature::sign(&state.settings.webhook_secret, clock::unix_millis() / 1000, &body);
    let response = state
        .http
        .post(state.webhook_url.as_ref())
        .header(SIGNATURE_HEADER, signed)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| DeliveryError::Unreachable(e.to_string()))?;
    if !response.status().is_success() {
        return Err(DeliveryError::Refused(response.status().as_u16()));
    }
    Ok(())
}

/// Delivers `event` in the background, trying again while it fails. Re-deliveries carry the
/// same event id (and a fresh signature), so the webhook recognises a repeat.
pub fn send_soon(state: &AppState, event: Event) {
    let state = state.clone();
    tokio::spawn(async move {
        let mut pause = Duration::from_millis(50);
        for attempt in 1..=TRIES {
            match send(&state, &event).await {
                Ok(()) => return,
                Err(err) if attempt == TRIES => {
                    tracing::warn!(event = event.id, kind = event.kind, error = %err, "sandbox gave up delivering");
                }
                Err(_) => {
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                }
            }
        }
    });
}
