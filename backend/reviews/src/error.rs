//! Reviews' errors and their single mapping to HTTP problems.

use axum::response::{IntoResponse, Response};
use contracts::problem::Problem;
use kit::auth::AuthError;
use kit::problem::ProblemResponse;

/// Everything a reviews request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ReviewsError {
    /// Malformed input; the problem names the fields.
    #[error("invalid request")]
    Invalid(Problem),
    /// The catalog does not know the product.
    #[error("product {0} not found")]
    ProductNotFound(i64),
    /// No such review (or a hidden one).
    #[error("review not found")]
    ReviewNotFound,
    /// Marking one's own review helpful.
    #[error("own review")]
    OwnReview,
    /// The access token was refused.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The catalog could not be asked.
    #[error("catalog unavailable: {0}")]
    Catalog(#[from] kit::nats::NatsError),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl IntoResponse for ReviewsError {
    fn into_response(self) -> Response {
        let problem = match self {
            ReviewsError::Invalid(problem) => problem,
            ReviewsError::ProductNotFound(id) => Problem::new("product-not-found", "No such product", 404)
                .with_detail(format!("There is no product {id}.")),
            ReviewsError::ReviewNotFound => Problem::new("review-not-found", "No such review", 404)
                .with_detail("That review does not exist or was removed."),
            ReviewsError::OwnReview => Problem::new("own-review", "That is your own review", 409)
                .with_detail("Only other shoppers can mark your review helpful."),
            ReviewsError::Auth(err) => return err.into_response(),
            ReviewsError::Catalog(err) => {
                tracing::warn!(error = %err, "catalog unavailable");
                Problem::new("catalog-unavailable", "Products cannot be checked", 503)
                    .with_detail("We cannot check the product right now; please try again.")
            }
            ReviewsError::Database(err) => return kit::problem::database_error(&err).into_response(),
        };
        ProblemResponse(problem).into_response()
    }
}
