//! Inventory's HTTP errors and their single mapping to problems.

use axum::response::{IntoResponse, Response};
use contracts::problem::Problem;
use kit::problem::ProblemResponse;

/// Everything an inventory request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    /// Malformed input.
    #[error("invalid request")]
    Invalid(Problem),
    /// No stock record for the product.
    #[error("product {0} not stocked")]
    NotStocked(i64),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl IntoResponse for InventoryError {
    fn into_response(self) -> Response {
        match self {
            InventoryError::Invalid(problem) => ProblemResponse(problem).into_response(),
            InventoryError::NotStocked(id) => {
                kit::problem::not_found(format!("Product {id} is not stocked.")).into_response()
            }
            InventoryError::Database(err) => kit::problem::database_error(&err).into_response(),
        }
    }
}
