//! `POST /webhooks/provider`: the provider reports a payment's outcome as a Stripe Event.
//! Verified before anything is read, de-duplicated by event id, then published to the saga.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use contracts::payments::{PaymentFailed, PaymentSucceeded};
use contracts::problem::Problem;
use kit::problem::Json;
use kit::{clock, outbox};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::provider_event::{self, DECLINED};
use crate::domain::signature::{self, SIGNATURE_HEADER};
use crate::error::PaymentsError;
use crate::provider::wire::Event;
use crate::state::AppState;
use crate::store;

/// What the webhook answers the provider.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookReceipt {
    /// True when this event id was handled before (nothing changed this time).
    pub duplicate: bool,
    /// True for a genuine event the store does not act on (another type, or a completed
    /// session whose delayed payment is still pending): acknowledged so the provider stops
    /// re-sending it.
    pub ignored: bool,
}

impl WebhookReceipt {
    fn handled() -> Json<Self> {
        Json(Self {
            duplicate: false,
            ignored: false,
        })
    }
}

/// Receives a signed provider event.
#[utoipa::path(
    post, path = "/webhooks/provider", tag = "webhooks",
    request_body(content = String, content_type = "application/json", description = "A Stripe Event (checkout.session.completed, .async_payment_succeeded, .async_payment_failed, .expired), raw: the signature covers these exact bytes"),
    params(("Stripe-Signature" = String, Header, description = "t=<unix>,v1=<hex HMAC-SHA256 of \"t.body\">")),
    responses(
        (status = 200, description = "Handled, a repeat of a handled event, or an event the store does not act on", body = WebhookReceipt),
        (status = 400, description = "Unsigned, forged, replayed, signed too far in the future, malformed, or for an unknown session: nothing changed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn webhook_receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<WebhookReceipt>, PaymentsError> {
    let now = clock::unix_millis() / 1000;
    let header = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    let tolerance = state.settings.webhook_tolerance.as_secs() as i64;
    signature::verify(&state.settings.webhook_secret, header, &body, now, tolerance)?;
    let event: Event = serde_json::from_slice(&body).map_err(|e| PaymentsError::BadEvent(e.to_string()))?;
    let Some(closing) = provider_event::closing(&event).map_err(PaymentsError::BadEvent)? else {
        return Ok(Json(WebhookReceipt {
            duplicate: false,
            ignored: true,
        }));
    };
    let status = closing.status;
    // The event's id is recorded with the BEGIN, and its outcome goes with the COMMIT: on
    // SQLite three round trips in all for a payment (decision 0021, round 5).
    // Only this session's rows are written: other sessions' webhooks run beside it (the
    // expiry sweep, a writer of the whole database, still waits for it).
    let exclusive = kit::db::Exclusive::Aggregate(&closing.session_id);
    let (mut tx, first) = kit::db::begin_write_with(&state.db, exclusive, |s| {
        store::push_first_webhook(s, &event.id, now)
    })
    .await?;
    if first != 1 {
        tx.rollback().await?;
        return Ok(Json(WebhookReceipt {
            duplicate: true,
            ignored: false,
        }));
    }
    match store::close_session(&mut tx, &closing.session_id, status).await? {
        Some(order_id) if status == "PAID" => {
            let session_id = closing.session_id;
            outbox::enqueue_then_commit(&mut tx, PaymentSucceeded { order_id, session_id }).await?;
        }
        Some(order_id) => {
            let failed = PaymentFailed {
                order_id,
                reason: closing.reason.unwrap_or(DECLINED).into(),
            };
            outbox::enqueue_then_commit(&mut tx, failed).await?;
        }
        None => {
            closed_before(tx, &closing.session_id, status).await?;
            return Ok(WebhookReceipt::handled());
        }
    }
    tx.commit().await?;
    state.relay.notify();
    Ok(WebhookReceipt::handled())
}

/// An event about a session that is not open: closed before (by the expiry sweep, or the
/// other outcome), which is acknowledged with only the event id kept, or never opened here,
/// which is refused with nothing kept. `tx` is ended either way.
async fn closed_before(
    mut tx: kit::db::WriteTransaction,
    session_id: &str,
    status: &str,
) -> Result<(), PaymentsError> {
    let Some(session) = store::session_by_id(&mut tx, session_id).await? else {
        tx.rollback().await?;
        return Err(PaymentsError::BadEvent(format!("unknown session {session_id}")));
    };
    if status == "PAID" {
        // Money arrived for a session that had already timed out or failed: the order is
        // cancelled, so this needs a refund, not a shipment.
        tracing::error!(
            session = session.id,
            order_id = session.order_id,
            state = session.status,
            "payment for a closed session: refund needed"
        );
    }
    tx.commit().await?;
    Ok(())
}
