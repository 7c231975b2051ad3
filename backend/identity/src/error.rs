//! Identity's errors and their single mapping to HTTP problems.
//!
//! Wrong password and unknown email are one variant with one answer, so the API cannot be
//! used to find out who has an account.

use axum::http::header::{HeaderValue, WWW_AUTHENTICATE};
use axum::response::{IntoResponse, Response};
use contracts::problem::Problem;
use kit::auth::AuthError;
use kit::problem::ProblemResponse;
use kit::ratelimit::RateLimited;

use crate::domain::keys::KeyError;
use crate::domain::password::HashError;
use crate::domain::refresh::RandomError;

/// Everything an identity request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// The request was malformed; the problem names the fields.
    #[error("invalid request")]
    Invalid(Problem),
    /// Another account has this email.
    #[error("email already registered")]
    EmailTaken,
    /// Unknown email or wrong password (deliberately indistinguishable).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// No valid refresh token: missing, unknown, expired, revoked or reused.
    #[error("no valid session")]
    NoSession,
    /// Too many attempts.
    #[error("rate limited")]
    RateLimited(RateLimited),
    /// The admin API was called without the admin token.
    #[error("not an admin")]
    NotAdmin,
    /// The admin API is off: no `ADMIN_TOKEN` is configured.
    #[error("admin API disabled")]
    AdminDisabled,
    /// No partner key has this id.
    #[error("no such partner key")]
    NoSuchKey,
    /// The access token was refused.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The database failed (details are logged, not sent).
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Hashing, key or randomness failure.
    #[error("crypto failure: {0}")]
    Crypto(String),
}

impl From<HashError> for IdentityError {
    fn from(e: HashError) -> Self {
        Self::Crypto(e.to_string())
    }
}

impl From<KeyError> for IdentityError {
    fn from(e: KeyError) -> Self {
        Self::Crypto(e.to_string())
    }
}

impl From<RandomError> for IdentityError {
    fn from(e: RandomError) -> Self {
        Self::Crypto(e.to_string())
    }
}

impl IntoResponse for IdentityError {
    fn into_response(self) -> Response {
        let problem = match self {
            IdentityError::Invalid(problem) => problem,
            IdentityError::EmailTaken => Problem::new("email-taken", "Email already registered", 409)
                .with_detail("An account with this email exists; sign in instead.")
                .with_field("email", "An account with this email already exists."),
            IdentityError::InvalidCredentials => {
                Problem::new("invalid-credentials", "Email or password is wrong", 401)
                    .with_detail("Check your email and password and try again.")
            }
            IdentityError::NoSession => Problem::new("no-session", "Not signed in", 401)
                .with_detail("Your session has ended; please sign in again."),
            IdentityError::NotAdmin => {
                let problem = Problem::new("unauthorized", "Admin token required", 401)
                    .with_detail("Send the admin token as `Authorization: Bearer <token>`.");
                let mut response = ProblemResponse(problem).into_response();
                response
                    .headers_mut()
                    .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                return response;
            }
            IdentityError::AdminDisabled => Problem::new("admin-disabled", "Admin API is off", 403)
                .with_detail("This identity service has no ADMIN_TOKEN configured."),
            IdentityError::NoSuchKey => {
                Problem::new("not-found", "No such key", 404).with_detail("No partner key has this id.")
            }
            IdentityError::RateLimited(limited) => return limited.into_response(),
            IdentityError::Auth(err) => return err.into_response(),
            IdentityError::Database(err) => return kit::problem::database_error(&err).into_response(),
            IdentityError::Crypto(err) => {
                tracing::error!(error = %err, "crypto failure");
                return kit::problem::internal().into_response();
            }
        };
        ProblemResponse(problem).into_response()
    }
}
