//! The sandbox payment provider: Mercado's own offline stand-in for Stripe, served by the
//! payments process but reached only over HTTP, like a hosted provider.
//!
//! It speaks Stripe's API for what the store uses ([`api`]: create, retrieve and expire
//! Checkout Sessions, bearer secret key), keeps its sessions in a table of its own, and
//! serves the hosted pay page `GET /sandbox/checkout/{session}` (amount, Pay, Decline).
//! Pressing a button does what Stripe does: the session closes, an Event is signed with the
//! webhook secret and POSTed to the webhook ([`deliver`]), and the shopper is sent to the
//! session's `success_url` / `cancel_url`. It shares no code path with the webhook's checks,
//! so those are exercised for real.

pub mod api;
pub mod deliver;
mod page;
pub mod shopper;
pub mod store;

use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use kit::clock;
use kit::problem::Path;

use crate::error::PaymentsError;
use crate::provider::wire::{SESSION_ASYNC_PAYMENT_FAILED, SESSION_COMPLETED};
use crate::state::AppState;
use store::SandboxSession;

/// The sandbox's routes, mounted under `/sandbox` when it is the provider.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/checkout/sessions", post(api::sandbox_create_session))
        .route(
            "/v1/checkout/sessions/{session}",
            get(api::sandbox_retrieve_session),
        )
        .route(
            "/v1/checkout/sessions/{session}/expire",
            post(api::sandbox_expire_session),
        )
        .route("/checkout/{session}", get(sandbox_page))
        .route("/checkout/{session}/pay", post(sandbox_pay))
        .route("/checkout/{session}/decline", post(sandbox_decline))
}

/// The hosted pay page of `session_id`, as the shopper's browser reaches it (through the
/// gateway, under the storefront's own address).
pub fn pay_page(state: &AppState, session_id: &str) -> String {
    format!(
        "{}/sandbox/checkout/{session_id}",
        state.settings.public_path.trim_end_matches('/')
    )
}

/// The two buttons of the pay page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    /// The card is charged: `checkout.session.completed`, paid.
    Pay,
    /// The charge is refused: `checkout.session.async_payment_failed`. (Stripe's own page
    /// lets the shopper try another card; the sandbox's stands for one who gives up.)
    Decline,
}

impl Button {
    /// The session's `payment_status` after the press (its `status` is `complete` either way).
    fn payment_status(self) -> &'static str {
        match self {
            Button::Pay => "paid",
            Button::Decline => "unpaid",
        }
    }

    /// The event that announces it.
    fn event_type(self) -> &'static str {
        match self {
            Button::Pay => SESSION_COMPLETED,
            Button::Decline => SESSION_ASYNC_PAYMENT_FAILED,
        }
    }
}

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
    let session = store::by_id(&state.db, &id)
        .await?
        .ok_or(PaymentsError::UnknownSession(id))?;
    let open = session.status == "open" && session.expires_at > clock::unix_millis() / 1000;
    let html = page::render(&session, open, &pay_page(&state, &session.id));
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

/// "Pay": the provider confirms the payment.
#[utoipa::path(
    post, path = "/sandbox/checkout/{session}/pay", tag = "sandbox",
    params(("session" = String, Path, description = "Session id")),
    responses((status = 303, description = "To the session's success_url"), (status = 404, description = "No such session"))
)]
pub async fn sandbox_pay(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Redirect, PaymentsError> {
    press(&state, &id, Button::Pay).await
}

/// "Decline": the provider reports a failed payment.
#[utoipa::path(
    post, path = "/sandbox/checkout/{session}/decline", tag = "sandbox",
    params(("session" = String, Path, description = "Session id")),
    responses((status = 303, description = "To the session's cancel_url"), (status = 404, description = "No such session"))
)]
pub async fn sandbox_decline(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Redirect, PaymentsError> {
    press(&state, &id, Button::Decline).await
}

/// Closes the session (if still open) and delivers its event before sending the shopper on,
/// so the page they land on already shows the outcome; a failed delivery is retried in the
/// background, as Stripe retries, and the shopper is not kept waiting for it.
async fn press(state: &AppState, id: &str, button: Button) -> Result<Redirect, PaymentsError> {
    let session = store::by_id(&state.db, id)
        .await?
        .ok_or_else(|| PaymentsError::UnknownSession(id.into()))?;
    if let Some(closed) = close(state, id, button).await? {
        match deliver::event_about(state, button.event_type(), &closed) {
            Ok(event) => {
                if let Err(err) = deliver::send(state, &event).await {
                    tracing::warn!(session = id, error = %err, "webhook delivery failed; retrying");
                    deliver::send_soon(state, event);
                }
            }
            Err(err) => tracing::error!(session = id, error = %err, "sandbox could not build its event"),
        }
    }
    Ok(Redirect::to(&return_url(&session, button)))
}

async fn close(state: &AppState, id: &str, button: Button) -> Result<Option<SandboxSession>, sqlx::Error> {
    let now = clock::unix_millis() / 1000;
    store::close(&state.db, id, "complete", button.payment_status(), now).await
}

/// Presses `button` on `session_id` in the background, as a shopper doing it at once would
/// ([`shopper`], `SANDBOX_AUTO_PAY`); its event is delivered with retries.
pub fn press_soon(state: &AppState, session_id: &str, button: Button) {
    let state = state.clone();
    let id = session_id.to_string();
    tokio::spawn(async move {
        match close(&state, &id, button).await {
            Ok(Some(closed)) => match deliver::event_about(&state, button.event_type(), &closed) {
                Ok(event) => deliver::send_soon(&state, event),
                Err(err) => tracing::error!(session = id, error = %err, "sandbox could not build its event"),
            },
            Ok(None) => {}
            Err(err) => tracing::warn!(session = id, error = %err, "sandbox auto-pay failed"),
        }
    });
}

/// Where the shopper goes: `success_url` after paying, `cancel_url` (else `success_url`)
/// after declining, with Stripe's `{CHECKOUT_SESSION_ID}` placeholder filled in.
fn return_url(session: &SandboxSession, button: Button) -> String {
    let url = match button {
        Button::Pay => &session.success_url,
        Button::Decline => session.cancel_url.as_ref().unwrap_or(&session.success_url),
    };
    url.replace("{CHECKOUT_SESSION_ID}", &session.id)
}
