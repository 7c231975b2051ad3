//! What can go wrong between the gateway and a service, mapped once to problem responses.

use axum::response::{IntoResponse, Response};
use contracts::problem::Problem;
use kit::problem::ProblemResponse;

/// Proxy failures.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// `/api/<name>` names no service.
    #[error("no service called {0:?}")]
    UnknownService(String),
    /// The service refused the connection or broke it.
    #[error("{service} is unavailable: {reason}")]
    Unavailable {
        /// Service name.
        service: String,
        /// Transport error.
        reason: String,
    },
    /// The service did not answer in time.
    #[error("{0} did not answer in time")]
    Timeout(String),
    /// The route needs a user and the token is missing or invalid.
    #[error(transparent)]
    Auth(#[from] kit::auth::AuthError),
}

impl IntoResponse for GatewayError {
    fn into_response(self) -> Response {
        let problem = match self {
            GatewayError::Auth(err) => return err.into_response(),
            GatewayError::UnknownService(name) => Problem::new("not-found", "Not found", 404)
                .with_detail(format!("There is no API called {name:?}.")),
            GatewayError::Unavailable { service, reason } => {
                tracing::warn!(service, reason, "upstream unavailable");
                Problem::new("service-unavailable", "Service unavailable", 502).with_detail(format!(
                    "The {service} service cannot be reached right now; please try again."
                ))
            }
            GatewayError::Timeout(service) => {
                tracing::warn!(service, "upstream timed out");
                Problem::new("service-timeout", "Service too slow", 504).with_detail(format!(
                    "The {service} service did not answer in time; please try again."
                ))
            }
        };
        ProblemResponse(problem).into_response()
    }
}
