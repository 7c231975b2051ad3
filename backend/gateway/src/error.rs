//! What can go wrong between the gateway and a service, mapped once to problem responses.

use std::time::Duration;

use axum::response::{IntoResponse, Response};
use contracts::problem::Problem;
use http::header::{HeaderValue, RETRY_AFTER};
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
    /// Every address of the service is failing; calls fail fast until a probe gets through.
    #[error("{service} is failing; calls are refused for {retry_after:?}")]
    CircuitOpen {
        /// Service name.
        service: String,
        /// Until the next probe.
        retry_after: Duration,
    },
    /// The request body is larger than its route accepts.
    #[error("the body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The route's limit in bytes.
        limit: usize,
    },
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
            GatewayError::CircuitOpen { service, retry_after } => {
                let problem = Problem::new("service-unavailable", "Service unavailable", 503).with_detail(
                    format!("The {service} service is failing right now; please try again shortly."),
                );
                let mut response = ProblemResponse(problem).into_response();
                // Whole seconds, rounded up: "0" would invite a retry that fails again.
                let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(seconds.max(1)));
                return response;
            }
            GatewayError::BodyTooLarge { limit } => {
                Problem::new("payload-too-large", "Request too large", 413)
                    .with_detail(format!("This request may carry at most {limit} bytes."))
            }
        };
        ProblemResponse(problem).into_response()
    }
}
