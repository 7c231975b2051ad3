//! Payments' HTTP errors and their single mapping to problems.

use axum::response::{IntoResponse, Response};
use contracts::problem::Problem;
use kit::problem::ProblemResponse;

use crate::domain::signature::SignatureError;

/// Everything a payments request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum PaymentsError {
    /// The webhook's signature was refused.
    #[error("webhook signature: {0}")]
    Signature(#[from] SignatureError),
    /// The webhook body is not a provider event we know.
    #[error("bad webhook: {0}")]
    BadEvent(String),
    /// No such session.
    #[error("no session {0}")]
    UnknownSession(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl IntoResponse for PaymentsError {
    fn into_response(self) -> Response {
        let problem = match self {
            PaymentsError::Signature(err) => {
                tracing::warn!(reason = %err, "webhook refused");
                Problem::new("invalid-signature", "Invalid webhook signature", 400)
                    .with_detail(err.to_string())
            }
            PaymentsError::BadEvent(reason) => {
                Problem::new("invalid-event", "Invalid webhook event", 400).with_detail(reason)
            }
            PaymentsError::UnknownSession(id) => {
                kit::problem::not_found(format!("There is no payment session {id}.")).0
            }
            PaymentsError::Database(err) => return kit::problem::database_error(&err).into_response(),
        };
        ProblemResponse(problem).into_response()
    }
}
