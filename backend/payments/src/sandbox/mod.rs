//! The sandbox payment provider: Mercado's own offline stand-in for a hosted provider.
//!
//! `GET /sandbox/checkout/{session}` is the hosted pay page (amount, Pay, Decline). Pressing a
//! button makes the sandbox do what a real provider does: build an event, sign it with the
//! shared secret, POST it to the webhook over HTTP, and send the shopper back to their order.
//! It shares no code path with the webhook's checks, so those are exercised for real.

mod page;

use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kit::clock;
use kit::problem::Path;

use crate::domain::provider_event::{ProviderEvent, ProviderEventData, COMPLETED, DECLINED};
use crate::domain::signature::{self, SIGNATURE_HEADER};
use crate::error::PaymentsError;
use crate::state::AppState;
use crate::store;

/// The hosted pay page.
#[utoipa::path(
    get, path = "/sandbox/checkout/{session}", tag = "sandbox",
    params(("session" = String, Path, description = "Session id")),
    responses((status = 200, description = "The pay page (HTML)"), (status = 404, description = "No such session"))
)]
pub async fn sandbox_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PaymentsError> {
    let session = store::session_by_id(&state.db, &id)
        .await?
        .ok_or(PaymentsError::UnknownSession(id))?;
    let action = format!(
        "{}/sandbox/checkout/{}",
        state.settings.public_path.trim_end_matches('/'),
        session.id
    );
    let html = page::render(&session, &action);
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

/// "Pay": the provider confirms the payment.
#[utoipa::path(
    post, path = "/sandbox/checkout/{session}/pay", tag = "sandbox",
    params(("session" = String, Path, description = "Session id")),
    responses((status = 303, description = "Back to the order"), (status = 404, description = "No such session"))
)]
pub async fn sandbox_pay(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Redirect, PaymentsError> {
    complete(&state, &id, COMPLETED).await
}

/// "Decline": the provider reports a declined payment.
#[utoipa::path(
    post, path = "/sandbox/checkout/{session}/decline", tag = "sandbox",
    params(("session" = String, Path, description = "Session id")),
    responses((status = 303, description = "Back to the order"), (status = 404, description = "No such session"))
)]
pub async fn sandbox_decline(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Redirect, PaymentsError> {
    complete(&state, &id, DECLINED).await
}

async fn complete(state: &AppState, id: &str, kind: &str) -> Result<Redirect, PaymentsError> {
    let session = store::session_by_id(&state.db, id)
        .await?
        .ok_or_else(|| PaymentsError::UnknownSession(id.into()))?;
    if session.status == "OPEN" {
        send_webhook(state, &session.id, kind).await?;
    }
    Ok(Redirect::to(&format!("/account/orders/{}", session.order_id)))
}

/// Pays `session_id` in the background, as a shopper pressing "Pay" at once would
/// (`SANDBOX_AUTO_PAY`). If it fails the session stays open and times out like an unpaid one.
pub fn pay_soon(state: AppState, session_id: String) {
    tokio::spawn(async move {
        if let Err(err) = send_webhook(&state, &session_id, COMPLETED).await {
            tracing::warn!(session_id, error = %err, "sandbox auto-pay failed");
        }
    });
}

/// Signs and delivers one event, as a provider would.
pub async fn send_webhook(state: &AppState, session_id: &str, kind: &str) -> Result<(), PaymentsError> {
    let event = ProviderEvent {
        id: format!("evt_{}", uuid::Uuid::new_v4().simple()),
        kind: kind.into(),
        data: ProviderEventData {
            session_id: session_id.into(),
        },
    };
    let body = serde_json::to_vec(&event).map_err(|e| PaymentsError::Delivery(e.to_string()))?;
    let signed = signature::sign(&state.settings.webhook_secret, clock::unix_millis() / 1000, &body);
    let response = state
        .http
        .post(state.webhook_url.as_ref())
        .header(SIGNATURE_HEADER, signed)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| PaymentsError::Delivery(e.to_string()))?;
    if !response.status().is_success() {
        return Err(PaymentsError::Delivery(format!(
            "webhook answered {}",
            response.status()
        )));
    }
    Ok(())
}
