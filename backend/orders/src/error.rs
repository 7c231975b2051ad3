//! The orders service's errors and their single mapping to HTTP problems.

use axum::response::{IntoResponse, Response};
use contracts::catalog::Money;
use contracts::problem::Problem;
use kit::auth::AuthError;
use kit::problem::ProblemResponse;

/// Everything an orders request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum OrdersError {
    /// Malformed input; the problem names the fields.
    #[error("invalid request")]
    Invalid(Problem),
    /// The cart is empty.
    #[error("empty cart")]
    EmptyCart,
    /// Prices moved since the shopper saw the total.
    #[error("prices changed")]
    PricesChanged {
        /// The total now.
        total: Money,
    },
    /// Products in the cart no longer exist.
    #[error("unknown products {0:?}")]
    UnknownProducts(Vec<i64>),
    /// No such order (or not the caller's: indistinguishable on purpose).
    #[error("order not found")]
    NotFound,
    /// The access token was refused.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// Cart or catalog could not be asked.
    #[error("dependency unavailable: {0}")]
    Unavailable(#[from] kit::nats::NatsError),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl IntoResponse for OrdersError {
    fn into_response(self) -> Response {
        let problem = match self {
            OrdersError::Invalid(problem) => problem,
            OrdersError::EmptyCart => Problem::new("empty-cart", "Your cart is empty", 409)
                .with_detail("Add something to your cart before checking out."),
            OrdersError::PricesChanged { total } => {
                Problem::new("prices-changed", "Prices have changed", 409).with_detail(format!(
                    "The total is now {}; please review your cart and confirm.",
                    total.display()
                ))
            }
            OrdersError::UnknownProducts(ids) => {
                Problem::new("unknown-products", "Some products are gone", 409).with_detail(format!(
                    "Products {ids:?} are no longer sold; remove them from your cart."
                ))
            }
            OrdersError::NotFound => {
                Problem::new("not-found", "Not found", 404).with_detail("There is no such order.")
            }
            OrdersError::Auth(err) => return err.into_response(),
            OrdersError::Unavailable(err) => {
                tracing::warn!(error = %err, "dependency unavailable");
                Problem::new("unavailable", "Checkout is unavailable", 503)
                    .with_detail("We cannot place orders right now; please try again in a moment.")
            }
            OrdersError::Database(err) => return kit::problem::database_error(&err).into_response(),
        };
        ProblemResponse(problem).into_response()
    }
}
