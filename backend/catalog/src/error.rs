//! The catalog's errors and their single mapping to HTTP problems.

use axum::response::{IntoResponse, Response};
use contracts::problem::Problem;
use kit::problem::ProblemResponse;

/// Everything a catalog request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The request was malformed; the problem names the fields.
    #[error("invalid request")]
    Invalid(Problem),
    /// No product with that id.
    #[error("product {0} not found")]
    ProductNotFound(i64),
    /// The database failed (details are logged, not sent).
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// An answer could not be encoded (a bug, not the caller's fault).
    #[error("encoding the answer: {0}")]
    Encode(#[from] serde_json::Error),
}

impl IntoResponse for CatalogError {
    fn into_response(self) -> Response {
        match self {
            CatalogError::Invalid(problem) => ProblemResponse(problem).into_response(),
            CatalogError::ProductNotFound(id) => {
                kit::problem::not_found(format!("There is no product with id {id}.")).into_response()
            }
            CatalogError::Database(err) => kit::problem::database_error(&err).into_response(),
            CatalogError::Encode(err) => {
                tracing::error!(error = %err, "encoding an answer failed");
                ProblemResponse(Problem::new("internal", "The answer could not be encoded", 500))
                    .into_response()
            }
        }
    }
}
