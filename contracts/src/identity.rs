//! The identity service's HTTP DTOs, the access-token claims and the JWKS shape.
//!
//! The identity service signs access tokens; the gateway and every service verify them with
//! the public keys it publishes ([`Jwks`], over HTTP at [`JWKS_PATH`] and over NATS as
//! [`JwksRequest`]). The claims, issuer and audience are defined here once so signer and
//! verifiers cannot disagree.

use serde::{Deserialize, Serialize};

use crate::events::UserSummary;
use crate::subjects::{NatsRequest, IDENTITY_JWKS};

/// `iss` of every access token.
pub const TOKEN_ISSUER: &str = "mercado-identity";
/// `aud` of every access token: the storefront's APIs.
pub const TOKEN_AUDIENCE: &str = "mercado-api";
/// The only signature algorithm accepted (JOSE name); verifiers pin it.
pub const TOKEN_ALGORITHM: &str = "EdDSA";
/// Name of the HttpOnly cookie carrying the refresh token.
pub const REFRESH_COOKIE: &str = "mercado_refresh";
/// Where the identity service publishes its public keys (under its gateway prefix).
pub const JWKS_PATH: &str = "/.well-known/jwks.json";
/// Header the gateway sets to the verified user id (client-sent copies are removed).
pub const USER_ID_HEADER: &str = "x-user-id";
/// Header the gateway sets to the client's address as it resolved it: the peer, or behind
/// the gateway's trusted proxies the nearest address in `X-Forwarded-For` none of them is.
/// Services key per-client limits on it instead of repeating that walk.
pub const CLIENT_ADDRESS_HEADER: &str = "x-client-address";
/// Identity headers a client must never be able to set; the gateway strips them.
pub const IDENTITY_HEADERS: [&str; 3] = [USER_ID_HEADER, "x-user-name", CLIENT_ADDRESS_HEADER];

/// Shortest password identity accepts.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// Longest password identity accepts (bounds the hashing work a request can cause).
pub const PASSWORD_MAX_CHARS: usize = 128;
/// Longest display name.
pub const NAME_MAX_CHARS: usize = 80;

/// `POST /users`: create an account (and sign in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRequest {
    /// Display name, 1–80 characters.
    pub name: String,
    /// Email address; unique, compared case-insensitively.
    pub email: String,
    /// 10–128 characters, not a well-known password.
    pub password: String,
}

/// `POST /sessions`: sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInRequest {
    /// Email address.
    pub email: String,
    /// Password.
    pub password: String,
}

/// A user's own profile (`GET /me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserProfile {
    /// Stable user id (UUID).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Email address (lower-cased).
    pub email: String,
    /// When the account was created, RFC 3339.
    pub member_since: String,
}

impl UserProfile {
    /// The part of the profile every MFE may see.
    pub fn summary(&self) -> UserSummary {
        UserSummary {
            id: self.id.clone(),
            name: self.name.clone(),
        }
    }
}

/// Answer to register, sign-in and refresh. The refresh token is not here: it travels only in
/// the HttpOnly cookie [`REFRESH_COOKIE`], out of reach of scripts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionGrant {
    /// Who is signed in.
    pub user: UserProfile,
    /// A short-lived JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// User id.
    pub sub: String,
    /// Display name (for logs and greetings; not an authority).
    pub name: String,
    /// [`TOKEN_ISSUER`].
    pub iss: String,
    /// [`TOKEN_AUDIENCE`].
    pub aud: String,
    /// Issued at, Unix seconds.
    pub iat: u64,
    /// Expires at, Unix seconds.
    pub exp: u64,
}

/// One public signing key (RFC 8037 OKP key, Ed25519).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicJwk {
    /// Always `OKP`.
    pub kty: String,
    /// Always `Ed25519`.
    pub crv: String,
    /// The public key, base64url without padding.
    pub x: String,
    /// Key id, matched against the token header's `kid`.
    pub kid: String,
    /// Always [`TOKEN_ALGORITHM`].
    pub alg: String,
    /// Always `sig`.
    #[serde(rename = "use")]
    pub use_: String,
}

impl PublicJwk {
    /// An Ed25519 signing key with id `kid` and public key `x` (base64url).
    pub fn ed25519(kid: impl Into<String>, x: impl Into<String>) -> Self {
        Self {
            kty: "OKP".into(),
            crv: "Ed25519".into(),
            x: x.into(),
            kid: kid.into(),
            alg: TOKEN_ALGORITHM.into(),
            use_: "sig".into(),
        }
    }
}

/// The published key set: the current key first, then keys still valid for verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Jwks {
    /// Keys by `kid`.
    pub keys: Vec<PublicJwk>,
}

/// Asks identity for its current [`Jwks`] over NATS (services verify tokens without HTTP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct JwksRequest {}

impl NatsRequest for JwksRequest {
    const SUBJECT: &'static str = IDENTITY_JWKS;
    type Reply = Jwks;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwk_uses_the_rfc_names() {
        let jwk = PublicJwk::ed25519("k1", "abc");
        assert_eq!(
            serde_json::to_value(&jwk).unwrap(),
            serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "abc", "kid": "k1", "alg": "EdDSA", "use": "sig"})
        );
    }

    #[test]
    fn grant_uses_camel_case() {
        let grant = SessionGrant {
            user: UserProfile {
                id: "u".into(),
                name: "Ana".into(),
                email: "ana@example.com".into(),
                member_since: "2026-01-01T00:00:00Z".into(),
            },
            access_token: "t".into(),
            expires_in: 900,
        };
        let json = serde_json::to_value(&grant).unwrap();
        assert_eq!(json["accessToken"], "t");
        assert_eq!(json["expiresIn"], 900);
        assert_eq!(json["user"]["memberSince"], "2026-01-01T00:00:00Z");
        assert_eq!(grant.user.summary().name, "Ana");
    }
}
