//! The identity service's settings: token lifetimes, key rotation, cookie policy, limits.

use std::time::Duration;

use contracts::services::IDENTITY;
use kit::config::{env_or, ConfigError, ServiceConfig};
use kit::cookies::CookieSecurity;

/// Settings of the identity service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Host, port, NATS and database.
    pub service: ServiceConfig,
    /// Lifetime of access tokens (`ACCESS_TOKEN_TTL_SECONDS`, default 900).
    pub access_ttl: Duration,
    /// Lifetime of a refresh token and so of a sign-in (`REFRESH_TOKEN_TTL_DAYS`, default 30).
    pub refresh_ttl: Duration,
    /// Age at which a new signing key replaces the current one (`SIGNING_KEY_ROTATION_DAYS`, 30).
    pub key_rotation: Duration,
    /// The public path of this service's API (`PUBLIC_PATH`, default `/api/identity`); the refresh
    /// cookie is scoped to `<PUBLIC_PATH>/sessions`.
    pub public_path: String,
    /// `COOKIE_SECURE`: `auto`, `always` or `never`.
    pub cookie_security: CookieSecurity,
    /// Sign-in and register attempts allowed per email per minute (`SIGN_IN_LIMIT_PER_EMAIL`, 5).
    pub sign_in_per_email_per_minute: u32,
}

impl Settings {
    /// Reads the common service settings and the identity ones above.
    pub fn from_env() -> Result<Self, ConfigError> {
        const DAY: u64 = 24 * 3600;
        Ok(Self {
            service: ServiceConfig::from_env(IDENTITY)?,
            access_ttl: Duration::from_secs(env_or("ACCESS_TOKEN_TTL_SECONDS", 900u64)?),
            refresh_ttl: Duration::from_secs(env_or("REFRESH_TOKEN_TTL_DAYS", 30u64)? * DAY),
            key_rotation: Duration::from_secs(env_or("SIGNING_KEY_ROTATION_DAYS", 30u64)? * DAY),
            public_path: env_or("PUBLIC_PATH", IDENTITY.api_prefix())?,
            cookie_security: env_or("COOKIE_SECURE", CookieSecurity::Auto)?,
            sign_in_per_email_per_minute: env_or("SIGN_IN_LIMIT_PER_EMAIL", 5u32)?,
        })
    }

    /// Defaults for `service` (tests build settings around their own database and NATS).
    pub fn with_service(service: ServiceConfig) -> Self {
        Self {
            service,
            access_ttl: Duration::from_secs(900),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            key_rotation: Duration::from_secs(30 * 24 * 3600),
            public_path: IDENTITY.api_prefix(),
            cookie_security: CookieSecurity::Auto,
            sign_in_per_email_per_minute: 5,
        }
    }

    /// Path the refresh cookie is sent to: only the session endpoints.
    pub fn cookie_path(&self) -> String {
        format!("{}/sessions", self.public_path.trim_end_matches('/'))
    }
}
