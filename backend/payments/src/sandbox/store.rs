//! The sandbox provider's own table of Checkout Sessions (`sandbox_sessions`).

use std::collections::BTreeMap;

use kit::db::Pool;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::provider::wire::{CheckoutSession, PaymentStatus, SessionStatus, SESSION_OBJECT};

/// A session as the sandbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxSession {
    /// `cs_test_…`.
    pub id: String,
    /// Minor units.
    pub amount_total: i64,
    /// Lower-case ISO 4217.
    pub currency: String,
    /// The first line's product, shown on the pay page.
    pub product_name: String,
    /// The store's reference (the order id).
    pub client_reference_id: Option<String>,
    /// The store's key-value pairs.
    pub metadata: BTreeMap<String, String>,
    /// Where the shopper goes after paying.
    pub success_url: String,
    /// Where the shopper goes after declining.
    pub cancel_url: Option<String>,
    /// `open`, `complete` or `expired`.
    pub status: String,
    /// `paid` or `unpaid`.
    pub payment_status: String,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds.
    pub expires_at: i64,
}

const COLUMNS: &str = "id, amount_total, currency, product_name, client_reference_id, metadata, \
     success_url, cancel_url, status, payment_status, created, expires_at";

impl SandboxSession {
    /// The Checkout Session object as Stripe renders it; `pay_page` is its hosted page.
    pub fn to_object(&self, pay_page: String) -> CheckoutSession {
        let status = match self.status.as_str() {
            "open" => SessionStatus::Open,
            "complete" => SessionStatus::Complete,
            "expired" => SessionStatus::Expired,
            _ => SessionStatus::Unknown,
        };
        CheckoutSession {
            id: self.id.clone(),
            object: SESSION_OBJECT.into(),
            amount_total: Some(self.amount_total),
            currency: Some(self.currency.clone()),
            client_reference_id: self.client_reference_id.clone(),
            created: self.created,
            expires_at: self.expires_at,
            livemode: false,
            metadata: Some(self.metadata.clone()),
            mode: "payment".into(),
            payment_status: if self.payment_status == "paid" {
                PaymentStatus::Paid
            } else {
                PaymentStatus::Unpaid
            },
            status: Some(status),
            success_url: Some(self.success_url.clone()),
            cancel_url: self.cancel_url.clone(),
            // Like Stripe, the page's address is only given while it can be paid.
            url: (status == SessionStatus::Open).then_some(pay_page),
        }
    }
}

fn row_to_session(row: &AnyRow) -> Result<SandboxSession, sqlx::Error> {
    let metadata: String = row.try_get(5)?;
    Ok(SandboxSession {
        id: row.try_get(0)?,
        amount_total: row.try_get(1)?,
        currency: row.try_get(2)?,
        product_name: row.try_get(3)?,
        client_reference_id: row.try_get(4)?,
        metadata: serde_json::from_str(&metadata).map_err(|e| sqlx::Error::Decode(e.into()))?,
        success_url: row.try_get(6)?,
        cancel_url: row.try_get(7)?,
        status: row.try_get(8)?,
        payment_status: row.try_get(9)?,
        created: row.try_get(10)?,
        expires_at: row.try_get(11)?,
    })
}

/// Stores `session` — unless a session was already created with `idempotency_key`, which is
/// then returned instead (a retried request gets the first answer, as Stripe does).
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &Pool,
    idempotency_key: Option<&str>,
    session: &SandboxSession,
) -> Result<SandboxSession, sqlx::Error> {
    let metadata = serde_json::to_string(&session.metadata).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query(
        "INSERT INTO sandbox_sessions (id, idempotency_key, amount_total, currency, product_name,
             client_reference_id, metadata, success_url, cancel_url, status, payment_status,
             created, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT DO NOTHING",
    )
    .bind(&session.id)
    .bind(idempotency_key)
    .bind(session.amount_total)
    .bind(&session.currency)
    .bind(&session.product_name)
    .bind(&session.client_reference_id)
    .bind(metadata)
    .bind(&session.success_url)
    .bind(&session.cancel_url)
    .bind(&session.status)
    .bind(&session.payment_status)
    .bind(session.created)
    .bind(session.expires_at)
    .execute(db)
    .await?;
    let row = match idempotency_key {
        Some(key) => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM sandbox_sessions WHERE idempotency_key = $1"
            ))
            .bind(key)
            .fetch_one(db)
            .await?
        }
        None => {
            sqlx::query(&format!("SELECT {COLUMNS} FROM sandbox_sessions WHERE id = $1"))
                .bind(&session.id)
                .fetch_one(db)
                .await?
        }
    };
    row_to_session(&row)
}

/// A session by id.
#[tracing::instrument(skip_all)]
pub async fn by_id(db: &Pool, id: &str) -> Result<Option<SandboxSession>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM sandbox_sessions WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(row_to_session).transpose()
}

/// Moves an open session to `status` / `payment_status`; the session after the move, or
/// nothing if it was not open (or its `expires_at` has passed, unless it is being expired).
/// The condition is the statement's, so of two presses of "Pay" only one gets a session back.
#[tracing::instrument(skip_all, fields(status))]
pub async fn close(
    db: &Pool,
    id: &str,
    status: &str,
    payment_status: &str,
    now: i64,
) -> Result<Option<SandboxSession>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "UPDATE sandbox_sessions SET status = $1, payment_status = $2
         WHERE id = $3 AND status = 'open' AND ($1 = 'expired' OR expires_at > $4)
         RETURNING {COLUMNS}"
    ))
    .bind(status)
    .bind(payment_status)
    .bind(id)
    .bind(now)
    .fetch_optional(db)
    .await?;
    row.as_ref().map(row_to_session).transpose()
}
