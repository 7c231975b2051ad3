//! The sandbox provider's own table of Checkout Sessions (`sandbox_sessions`).

use std::collections::BTreeMap;

use kit::db::{Dialect, Pool, SqlBuilder};
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
/// then returned instead (a retried request gets the first answer, as Stripe does). The
/// insert and the read go in one round trip on SQLite, in the write turn (kit's
/// `write_alone_then_fetch`).
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &Pool,
    idempotency_key: Option<&str>,
    session: &SandboxSession,
) -> Result<SandboxSession, sqlx::Error> {
    let metadata = serde_json::to_string(&session.metadata).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let mut statements = SqlBuilder::new(
        Dialect::of_pool(db),
        "INSERT INTO sandbox_sessions (id, idempotency_key, amount_total, currency, product_name,
             client_reference_id, metadata, success_url, cancel_url, status, payment_status,
             created, expires_at) VALUES (",
    );
    statements.push_bind(session.id.as_str()).push(", ");
    statements.push_bind(idempotency_key).push(", ");
    statements.push_bind(session.amount_total).push(", ");
    statements.push_bind(session.currency.as_str()).push(", ");
    statements.push_bind(session.product_name.as_str()).push(", ");
    statements
        .push_bind(session.client_reference_id.as_deref())
        .push(", ");
    statements.push_bind(metadata).push(", ");
    statements.push_bind(session.success_url.as_str()).push(", ");
    statements.push_bind(session.cancel_url.as_deref()).push(", ");
    statements.push_bind(session.status.as_str()).push(", ");
    statements.push_bind(session.payment_status.as_str()).push(", ");
    statements.push_bind(session.created).push(", ");
    statements
        .push_bind(session.expires_at)
        .push(") ON CONFLICT DO NOTHING");
    statements.next_statement(&format!("SELECT {COLUMNS} FROM sandbox_sessions WHERE "));
    match idempotency_key {
        Some(key) => statements.push("idempotency_key = ").push_bind(key),
        None => statements.push("id = ").push_bind(session.id.as_str()),
    };
    let rows = kit::db::write_alone_then_fetch(db, statements).await?;
    rows.first().map(row_to_session).ok_or(sqlx::Error::RowNotFound)?
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
    // In the write turn, on the writing connection (SQLite): a pooled connection writing
    // beside it would wait on the file lock instead.
    let mut statement = SqlBuilder::new(Dialect::of_pool(db), "UPDATE sandbox_sessions SET status = ");
    statement
        .push_bind(status)
        .push(", payment_status = ")
        .push_bind(payment_status);
    statement.push(" WHERE id = ").push_bind(id);
    statement.push(" AND status = 'open' AND (").push_bind(status);
    statement.push(" = 'expired' OR expires_at > ").push_bind(now);
    statement.push(&format!(") RETURNING {COLUMNS}"));
    let rows = kit::db::write_alone_then_fetch(db, statement).await?;
    rows.first().map(row_to_session).transpose()
}
