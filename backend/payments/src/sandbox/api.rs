//! The sandbox's Stripe-compatible API, the part the store uses:
//! `POST /v1/checkout/sessions` (form-encoded, `Idempotency-Key`),
//! `GET /v1/checkout/sessions/{id}` and `POST /v1/checkout/sessions/{id}/expire`, each
//! behind `Authorization: Bearer <secret key>`. Errors come in Stripe's shape
//! (`{"error": {"type", "message", …}}`), not ours: this is what a Stripe client reads.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kit::clock;
use kit::problem::Path;

use super::store::{self, SandboxSession};
use super::{deliver, pay_page};
use crate::provider::wire::{ApiError, CheckoutSession, CreateCheckoutSession, ErrorBody, SESSION_EXPIRED};
use crate::state::AppState;

/// Stripe's bounds for `expires_at`: 30 minutes to 24 hours ahead (24 h is the default).
const EXPIRY_RANGE: std::ops::RangeInclusive<i64> = 1_800..=86_400;

/// What a sandbox API call fails with, rendered the way Stripe renders it.
#[derive(Debug, thiserror::Error)]
pub enum ApiFailure {
    /// No or a wrong secret key.
    #[error("Invalid API Key provided.")]
    Unauthorized,
    /// The request cannot be carried out as asked.
    #[error("{message}")]
    Invalid {
        /// The parameter at fault, if one is.
        param: Option<&'static str>,
        /// For a person.
        message: String,
    },
    /// No such session.
    #[error("No such checkout.session: '{0}'")]
    Missing(String),
    /// The sandbox's database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let (status, kind, code, param) = match &self {
            ApiFailure::Unauthorized => (StatusCode::UNAUTHORIZED, "invalid_request_error", None, None),
            ApiFailure::Invalid { param, .. } => {
                (StatusCode::BAD_REQUEST, "invalid_request_error", None, *param)
            }
            ApiFailure::Missing(_) => (
                StatusCode::NOT_FOUND,
                "invalid_request_error",
                Some("resource_missing"),
                Some("id"),
            ),
            ApiFailure::Database(err) => {
                tracing::error!(error = %err, "sandbox database failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "api_error", None, None)
            }
        };
        let message = match &self {
            ApiFailure::Database(_) => "An error occurred with our connection to the database.".into(),
            other => other.to_string(),
        };
        let error = ApiError {
            kind: kind.into(),
            message,
            code: code.map(Into::into),
            param: param.map(Into::into),
        };
        (status, Json(ErrorBody { error })).into_response()
    }
}

/// `POST /v1/checkout/sessions`.
#[tracing::instrument(skip_all)]
pub async fn sandbox_create_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CheckoutSession>, ApiFailure> {
    authorise(&state, &headers)?;
    // Non-strict: brackets arrive raw from Stripe's libraries, percent-encoded from others.
    let params: CreateCheckoutSession = serde_qs::Config::new(5, false)
        .deserialize_bytes(&body)
        .map_err(|e| invalid(None, format!("Invalid request: {e}")))?;
    let now = clock::unix_millis() / 1000;
    let session = new_session(params, now)?;
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    let session = store::create(&state.db, key, &session).await?;
    Ok(Json(session.to_object(pay_page(&state, &session.id))))
}

/// `GET /v1/checkout/sessions/{id}`.
#[tracing::instrument(skip_all)]
pub async fn sandbox_retrieve_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<CheckoutSession>, ApiFailure> {
    authorise(&state, &headers)?;
    let session = store::by_id(&state.db, &id)
        .await?
        .ok_or(ApiFailure::Missing(id))?;
    Ok(Json(session.to_object(pay_page(&state, &session.id))))
}

/// `POST /v1/checkout/sessions/{id}/expire`: closes an open session and announces it with
/// `checkout.session.expired`, as Stripe does.
#[tracing::instrument(skip_all)]
pub async fn sandbox_expire_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<CheckoutSession>, ApiFailure> {
    authorise(&state, &headers)?;
    let now = clock::unix_millis() / 1000;
    let Some(session) = store::close(&state.db, &id, "expired", "unpaid", now).await? else {
        return match store::by_id(&state.db, &id).await? {
            None => Err(ApiFailure::Missing(id)),
            Some(_) => Err(invalid(
                None,
                "Only Checkout Sessions with a status in [\"open\"] can be expired.".into(),
            )),
        };
    };
    match deliver::event_about(&state, SESSION_EXPIRED, &session) {
        Ok(event) => deliver::send_soon(&state, event),
        Err(err) => tracing::error!(error = %err, "sandbox could not build its event"),
    }
    Ok(Json(session.to_object(pay_page(&state, &session.id))))
}

/// The bearer key must be the sandbox's own.
fn authorise(state: &AppState, headers: &HeaderMap) -> Result<(), ApiFailure> {
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(ApiFailure::Unauthorized)?;
    // ring's HMAC check is its constant-time comparison: the expected key's tag against the
    // given key under a throw-away MAC key.
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"sandbox api key");
    let expected = ring::hmac::sign(&key, state.settings.secret_key.as_bytes());
    ring::hmac::verify(&key, given.as_bytes(), expected.as_ref()).map_err(|_| ApiFailure::Unauthorized)
}

fn invalid(param: Option<&'static str>, message: String) -> ApiFailure {
    ApiFailure::Invalid { param, message }
}

/// Checks the parameters as Stripe would for a one-off payment, and prices the session.
fn new_session(params: CreateCheckoutSession, now: i64) -> Result<SandboxSession, ApiFailure> {
    if params.mode != "payment" {
        return Err(invalid(
            Some("mode"),
            "The sandbox supports mode `payment` only.".into(),
        ));
    }
    let first = params.line_items.first().ok_or_else(|| {
        invalid(
            Some("line_items"),
            "line_items must have at least one item.".into(),
        )
    })?;
    let currency = first.price_data.currency.clone();
    let product_name = first.price_data.product_data.name.clone();
    let mut amount_total: i64 = 0;
    for item in &params.line_items {
        let price = &item.price_data;
        if price.currency != currency
            || currency.len() != 3
            || !currency.bytes().all(|b| b.is_ascii_lowercase())
        {
            return Err(invalid(
                Some("line_items"),
                "Every line needs the same lower-case ISO currency.".into(),
            ));
        }
        if item.quantity < 1 || price.unit_amount < 0 {
            return Err(invalid(
                Some("line_items"),
                "Invalid quantity or unit_amount.".into(),
            ));
        }
        amount_total = price
            .unit_amount
            .checked_mul(item.quantity)
            .and_then(|line| amount_total.checked_add(line))
            .ok_or_else(|| invalid(Some("line_items"), "The total is too large.".into()))?;
    }
    if params.success_url.is_empty() {
        return Err(invalid(Some("success_url"), "success_url is required.".into()));
    }
    let expires_at = params.expires_at.unwrap_or(now + EXPIRY_RANGE.end());
    if !EXPIRY_RANGE.contains(&(expires_at - now)) {
        return Err(invalid(
            Some("expires_at"),
            "expires_at must be 30 minutes to 24 hours from now.".into(),
        ));
    }
    Ok(SandboxSession {
        id: format!("cs_test_{}", uuid::Uuid::new_v4().simple()),
        amount_total,
        currency,
        product_name,
        client_reference_id: params.client_reference_id,
        metadata: params.metadata.into_iter().collect::<BTreeMap<_, _>>(),
        success_url: params.success_url,
        cancel_url: params.cancel_url,
        status: "open".into(),
        payment_status: "unpaid".into(),
        created: now,
        expires_at,
    })
}
