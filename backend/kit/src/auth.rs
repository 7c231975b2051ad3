//! Verifying access tokens: the [`Verifier`] (keys by `kid`, fetched from identity) and the
//! [`AuthUser`] extractor every protected handler takes.
//!
//! The gateway checks every token, and each service checks it again with this same code:
//! a request that reaches a service directly, bypassing the gateway, gets no further than one
//! that went through it. Only Ed25519 (`EdDSA`) signatures from a key the identity service
//! publishes are accepted; `alg: none`, HMAC confusion, another issuer's key, a wrong audience
//! or an expired token are all a 401.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::http::{header, request::Parts, HeaderValue};
use axum::response::{IntoResponse, Response};
use contracts::identity::{AccessClaims, Jwks, JwksRequest, TOKEN_AUDIENCE, TOKEN_ISSUER};
use contracts::problem::Problem;
use futures::future::BoxFuture;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use tokio::sync::{Mutex, RwLock};

use crate::problem::ProblemResponse;

/// Clock skew tolerated on `exp` between identity and verifiers.
const LEEWAY_SECONDS: u64 = 5;
/// An unknown `kid` refetches the key set at most this often (stops a flood of forged kids
/// from turning into a flood of requests to identity).
const REFETCH_INTERVAL: Duration = Duration::from_secs(5);

/// Loads the current key set; identity reads its own store, everyone else asks over NATS.
pub type KeySource = Arc<dyn Fn() -> BoxFuture<'static, Result<Jwks, String>> + Send + Sync>;

/// Why a request is not authenticated.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization: Bearer` header.
    #[error("no access token")]
    Missing,
    /// Malformed, forged, wrongly signed, for another audience or issuer.
    #[error("invalid access token: {0}")]
    Invalid(String),
    /// Well formed and correctly signed, but expired.
    #[error("access token expired")]
    Expired,
    /// The key set could not be loaded, so nothing can be verified right now.
    #[error("signing keys unavailable: {0}")]
    KeysUnavailable(String),
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let (problem, challenge) = match &self {
            AuthError::Missing => (
                Problem::new("unauthorized", "Sign-in required", 401)
                    .with_detail("This needs a signed-in user; send an access token."),
                "Bearer",
            ),
            AuthError::Invalid(_) | AuthError::Expired => (
                Problem::new("invalid-token", "Invalid access token", 401)
                    .with_detail("The access token is invalid or expired; refresh it and try again."),
                "Bearer error=\"invalid_token\"",
            ),
            AuthError::KeysUnavailable(reason) => {
                tracing::warn!(reason, "cannot verify tokens: no signing keys");
                let problem = Problem::new("auth-unavailable", "Sign-in is unavailable", 503)
                    .with_detail("Access tokens cannot be checked right now; please try again.");
                return ProblemResponse(problem).into_response();
            }
        };
        tracing::debug!(reason = %self, "request not authenticated");
        let mut response = ProblemResponse(problem).into_response();
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        response
    }
}

/// The user an access token speaks for, after verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    /// User id (`sub`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// When the token stops being valid, Unix seconds (long-lived responses such as event
    /// streams end then, so the client comes back with a fresh token).
    pub expires_at: u64,
}

/// Verifies access tokens against the identity service's published keys.
pub struct Verifier {
    source: KeySource,
    keys: RwLock<HashMap<String, DecodingKey>>,
    last_fetch: Mutex<Option<Instant>>,
    validation: Validation,
}

impl Verifier {
    /// A verifier that loads keys from `source` when it meets a `kid` it does not know.
    pub fn new(source: KeySource) -> Self {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.algorithms = vec![Algorithm::EdDSA];
        validation.set_issuer(&[TOKEN_ISSUER]);
        validation.set_audience(&[TOKEN_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECONDS;
        Self {
            source,
            keys: RwLock::new(HashMap::new()),
            last_fetch: Mutex::new(None),
            validation,
        }
    }

    /// A verifier that asks identity for keys over NATS request-reply (`identity.jwks`).
    pub fn from_nats(client: async_nats::Client) -> Self {
        Self::new(Arc::new(move || {
            let client = client.clone();
            Box::pin(async move {
                crate::nats::request(&client, &JwksRequest {})
                    .await
                    .map_err(|e| e.to_string())
            })
        }))
    }

    /// Checks `token` and returns whom it speaks for.
    pub async fn verify(&self, token: &str) -> Result<AuthUser, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| AuthError::Invalid(e.to_string()))?;
        if header.alg != Algorithm::EdDSA {
            return Err(AuthError::Invalid(format!(
                "algorithm {:?} is not accepted",
                header.alg
            )));
        }
        let kid = header.kid.ok_or_else(|| AuthError::Invalid("no kid".into()))?;
        let key = self.key(&kid).await?;
        let data =
            jsonwebtoken::decode::<AccessClaims>(token, &key, &self.validation).map_err(|e| {
                match e.kind() {
                    jsonwebtoken::errors::ErrorKind::ExpiredSignature => AuthError::Expired,
                    _ => AuthError::Invalid(e.to_string()),
                }
            })?;
        Ok(AuthUser {
            id: data.claims.sub,
            name: data.claims.name,
            expires_at: data.claims.exp,
        })
    }

    /// Verifies the `Authorization: Bearer` header of a request.
    pub async fn verify_header(&self, value: Option<&HeaderValue>) -> Result<AuthUser, AuthError> {
        let token = bearer_token(value).ok_or(AuthError::Missing)?;
        self.verify(token).await
    }

    async fn key(&self, kid: &str) -> Result<DecodingKey, AuthError> {
        if let Some(key) = self.keys.read().await.get(kid) {
            return Ok(key.clone());
        }
        self.refetch().await?;
        self.keys
            .read()
            .await
            .get(kid)
            .cloned()
            .ok_or_else(|| AuthError::Invalid(format!("unknown key id {kid:?}")))
    }

    async fn refetch(&self) -> Result<(), AuthError> {
        let mut last = self.last_fetch.lock().await;
        let loaded_once = !self.keys.read().await.is_empty();
        if loaded_once && last.is_some_and(|at| at.elapsed() < REFETCH_INTERVAL) {
            return Ok(());
        }
        let jwks = (self.source)().await.map_err(AuthError::KeysUnavailable)?;
        let mut keys = HashMap::new();
        for jwk in jwks.keys {
            if jwk.kty == "OKP" && jwk.crv == "Ed25519" {
                match DecodingKey::from_ed_components(&jwk.x) {
                    Ok(key) => {
                        keys.insert(jwk.kid, key);
                    }
                    Err(err) => tracing::warn!(kid = jwk.kid, error = %err, "unusable public key"),
                }
            }
        }
        *self.keys.write().await = keys;
        *last = Some(Instant::now());
        Ok(())
    }
}

/// The token of an `Authorization: Bearer <token>` header, if that is what it is.
pub fn bearer_token(value: Option<&HeaderValue>) -> Option<&str> {
    let value = value?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
}

impl<S> FromRequestParts<S> for AuthUser
where
    Arc<Verifier>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Arc::<Verifier>::from_ref(state);
        verifier
            .verify_header(parts.headers.get(header::AUTHORIZATION))
            .await
    }
}

/// `Option<AuthUser>`: `None` without an `Authorization` header (an anonymous visitor), the
/// user with a valid token, and still a 401 with an invalid one — a bad token is never
/// silently treated as "anonymous".
impl<S> OptionalFromRequestParts<S> for AuthUser
where
    Arc<Verifier>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Self::Rejection> {
        match parts.headers.get(header::AUTHORIZATION) {
            None => Ok(None),
            Some(value) => Arc::<Verifier>::from_ref(state)
                .verify_header(Some(value))
                .await
                .map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_token_needs_the_scheme_and_a_token() {
        let ok = HeaderValue::from_static("Bearer abc.def.ghi");
        assert_eq!(bearer_token(Some(&ok)), Some("abc.def.ghi"));
        let lower = HeaderValue::from_static("bearer abc");
        assert_eq!(bearer_token(Some(&lower)), Some("abc"));
        assert_eq!(bearer_token(Some(&HeaderValue::from_static("Basic abc"))), None);
        assert_eq!(bearer_token(Some(&HeaderValue::from_static("Bearer "))), None);
        assert_eq!(bearer_token(None), None);
    }
}
