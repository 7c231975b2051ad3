//! The cart's errors and their single mapping to HTTP problems.

use axum::response::{IntoResponse, Response};
use contracts::problem::Problem;
use kit::auth::AuthError;
use kit::problem::ProblemResponse;

/// Everything a cart request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CartError {
    /// Malformed input; the problem names the fields.
    #[error("invalid request")]
    Invalid(Problem),
    /// The catalog does not know the product.
    #[error("product {0} not found")]
    ProductNotFound(i64),
    /// The cart has no line for the product.
    #[error("product {0} is not in the cart")]
    LineNotFound(i64),
    /// A limit would be exceeded (quantity per product, products per cart).
    #[error("limit: {0}")]
    Limit(String),
    /// The access token was refused.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The catalog could not be asked for prices.
    #[error("catalog unavailable: {0}")]
    Catalog(#[from] kit::nats::NatsError),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl IntoResponse for CartError {
    fn into_response(self) -> Response {
        let problem = match self {
            CartError::Invalid(problem) => problem,
            CartError::ProductNotFound(id) => Problem::new("product-not-found", "No such product", 404)
                .with_detail(format!("There is no product {id}.")),
            CartError::LineNotFound(id) => Problem::new("line-not-found", "Not in your cart", 404)
                .with_detail(format!("Product {id} is not in your cart.")),
            CartError::Limit(detail) => Problem::new("cart-limit", "Cart limit reached", 422)
                .with_detail(detail)
                .with_field("quantity", "Too many."),
            CartError::Auth(err) => return err.into_response(),
            CartError::Catalog(err) => {
                tracing::warn!(error = %err, "catalog prices unavailable");
                Problem::new("catalog-unavailable", "Prices are unavailable", 503)
                    .with_detail("We cannot look up prices right now; please try again.")
            }
            CartError::Database(err) => return kit::problem::database_error(&err).into_response(),
        };
        ProblemResponse(problem).into_response()
    }
}
