//! What a partner request can fail with, mapped once to problem responses.

use axum::response::{IntoResponse, Response};
use contracts::problem::Problem;
use http::header::{HeaderValue, WWW_AUTHENTICATE};
use kit::problem::ProblemResponse;
use kit::ratelimit::RateLimited;

use super::keys::KeyError;
use crate::error::GatewayError;

/// Partner API failures.
#[derive(Debug, thiserror::Error)]
pub enum PartnerError {
    /// The key is missing, unknown or revoked, or cannot be checked now.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// Too many lookups of unknown keys from this address.
    #[error("too many key lookups")]
    Lookups(RateLimited),
    /// The query is malformed; the problem names the fields.
    #[error("invalid request")]
    Invalid(Problem),
    /// No such product or path.
    #[error("not found")]
    NotFound,
    /// The catalog could not answer.
    #[error(transparent)]
    Upstream(#[from] GatewayError),
    /// The catalog answered something v1 cannot map (a bug between the two: logged).
    #[error("catalog answered {0}")]
    Unexpected(String),
}

impl IntoResponse for PartnerError {
    fn into_response(self) -> Response {
        let problem = match self {
            PartnerError::Key(KeyError::Missing | KeyError::Unknown) => {
                let problem = Problem::new("invalid-api-key", "API key required", 401)
                    .with_detail("Send a working partner key in the x-api-key header.");
                let mut response = ProblemResponse(problem).into_response();
                response.headers_mut().insert(
                    WWW_AUTHENTICATE,
                    HeaderValue::from_static("ApiKey header=\"x-api-key\""),
                );
                return response;
            }
            PartnerError::Key(KeyError::Unavailable(_)) => {
                Problem::new("service-unavailable", "Service unavailable", 503)
                    .with_detail("API keys cannot be checked right now; please try again.")
            }
            PartnerError::Lookups(limited) => return limited.into_response(),
            PartnerError::Invalid(problem) => problem,
            PartnerError::NotFound => Problem::new("not-found", "Not found", 404)
                .with_detail("There is no such resource in the partner API v1."),
            PartnerError::Upstream(err) => return err.into_response(),
            PartnerError::Unexpected(what) => {
                tracing::error!(what, "catalog answer does not map onto partner v1");
                Problem::new("service-unavailable", "Service unavailable", 502)
                    .with_detail("The catalog cannot be read right now; please try again.")
            }
        };
        ProblemResponse(problem).into_response()
    }
}
