//! Shipping's HTTP errors and their single mapping to problems.

use axum::response::{IntoResponse, Response};
use kit::auth::AuthError;

/// Everything a shipping request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ShippingError {
    /// No shipment for that order (or not the caller's: indistinguishable on purpose).
    #[error("shipment not found")]
    NotFound,
    /// The access token was refused.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl IntoResponse for ShippingError {
    fn into_response(self) -> Response {
        match self {
            ShippingError::NotFound => {
                kit::problem::not_found("There is no shipment for that order.").into_response()
            }
            ShippingError::Auth(err) => err.into_response(),
            ShippingError::Database(err) => kit::problem::database_error(&err).into_response(),
        }
    }
}
