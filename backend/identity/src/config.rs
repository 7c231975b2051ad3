//! The identity service's settings: token lifetimes, key rotation, cookie policy, and how
//! failed sign-ins and registrations are throttled.

use std::time::Duration;

use contracts::services::IDENTITY;
use kit::config::{env_or, ConfigError, ServiceConfig};
use kit::cookies::CookieSecurity;

use crate::clock::Clock;
use crate::domain::partner_key::{AdminToken, MIN_ADMIN_TOKEN_CHARS};
use crate::domain::throttle::Window;

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
    /// How failed sign-ins and registrations are counted and limited.
    pub throttle: Throttle,
    /// The throttle's time: the system clock; tests move a manual one.
    pub clock: Clock,
    /// The secret the admin API (partner keys) requires (`ADMIN_TOKEN`, at least 32
    /// characters; unset: the admin API answers 403).
    pub admin_token: Option<AdminToken>,
}

/// Limits on what password guessing needs, counted in identity's database so every replica
/// sees the same counts (docs/decisions/0013-sign-in-throttling.md). Successful sign-ins are
/// not counted: shoppers behind one address sign in freely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Failed sign-ins per account (normalised email, whether or not it exists)
    /// (`SIGN_IN_FAILURES_PER_ACCOUNT`, default 10, in `SIGN_IN_FAILURE_WINDOW_SECONDS`, 900).
    pub failures_per_account: Window,
    /// Failed sign-ins per client address, over all accounts
    /// (`SIGN_IN_FAILURES_PER_ADDRESS`, default 30, in the same window).
    pub failures_per_address: Window,
    /// Registration attempts per client address, whatever their outcome
    /// (`REGISTRATIONS_PER_ADDRESS`, default 30, in `REGISTRATION_WINDOW_SECONDS`, 3600).
    pub registrations_per_address: Window,
}

impl Default for Throttle {
    fn default() -> Self {
        let quarter_hour = Duration::from_secs(900);
        Self {
            failures_per_account: Window::new(10, quarter_hour),
            failures_per_address: Window::new(30, quarter_hour),
            registrations_per_address: Window::new(30, Duration::from_secs(3600)),
        }
    }
}

impl Throttle {
    fn from_env() -> Result<Self, ConfigError> {
        let default = Self::default();
        let sign_in = Duration::from_secs(env_or(
            "SIGN_IN_FAILURE_WINDOW_SECONDS",
            default.failures_per_account.span.as_secs(),
        )?);
        let register = Duration::from_secs(env_or(
            "REGISTRATION_WINDOW_SECONDS",
            default.registrations_per_address.span.as_secs(),
        )?);
        let limit = |name, window: Window| env_or(name, window.limit);
        Ok(Self {
            failures_per_account: Window::new(
                limit("SIGN_IN_FAILURES_PER_ACCOUNT", default.failures_per_account)?,
                sign_in,
            ),
            failures_per_address: Window::new(
                limit("SIGN_IN_FAILURES_PER_ADDRESS", default.failures_per_address)?,
                sign_in,
            ),
            registrations_per_address: Window::new(
                limit("REGISTRATIONS_PER_ADDRESS", default.registrations_per_address)?,
                register,
            ),
        })
    }

    /// The longest window: attempts older than this are counted by none and can go.
    pub fn longest(&self) -> Duration {
        [
            self.failures_per_account.span,
            self.failures_per_address.span,
            self.registrations_per_address.span,
        ]
        .into_iter()
        .max()
        .unwrap_or_default()
    }
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
            throttle: Throttle::from_env()?,
            clock: Clock::system(),
            admin_token: admin_token_from_env()?,
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
            throttle: Throttle::default(),
            clock: Clock::system(),
            admin_token: None,
        }
    }

    /// Path the refresh cookie is sent to: only the session endpoints.
    pub fn cookie_path(&self) -> String {
        format!("{}/sessions", self.public_path.trim_end_matches('/'))
    }
}

/// `ADMIN_TOKEN`: unset or empty turns the admin API off; a short one is refused at start, so
/// a guessable token never guards key issuing.
fn admin_token_from_env() -> Result<Option<AdminToken>, ConfigError> {
    let raw: String = env_or("ADMIN_TOKEN", String::new())?;
    if raw.is_empty() {
        return Ok(None);
    }
    AdminToken::new(&raw).map(Some).ok_or_else(|| ConfigError {
        key: "ADMIN_TOKEN".into(),
        // Never echo a secret into a log, even a bad one.
        value: "<redacted>".into(),
        reason: format!("must be at least {MIN_ADMIN_TOKEN_CHARS} characters"),
    })
}
