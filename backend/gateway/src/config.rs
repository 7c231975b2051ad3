//! The gateway's settings: where the web lives, where each service is, how much a client may ask.

use std::path::PathBuf;
use std::time::Duration;

use contracts::services::{self, Service, GATEWAY_PORT};
use kit::config::{env_or, ConfigError};

/// Settings of the gateway.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Interface to bind (`HOST`).
    pub host: String,
    /// Port (`PORT`, default 8080).
    pub port: u16,
    /// The built shell + MFEs (`WEB_DIR`, default `dist`).
    pub web_dir: PathBuf,
    /// Base URL of each service (`<NAME>_URL`, default its local port).
    pub upstreams: Vec<(Service, String)>,
    /// How long a service may take to start answering (`UPSTREAM_TIMEOUT_MS`).
    pub upstream_timeout: Duration,
    /// NATS server (`NATS_URL`), for the signing keys that verify access tokens.
    pub nats_url: String,
    /// Request limits per client address.
    pub limits: RateLimits,
    /// Whether a developer may point one MFE of this storefront at a local build
    /// (`?mfe-override=name=url`; `MFE_OVERRIDES`, default off: `xtask up` turns it on, the
    /// compose and Kubernetes configurations leave it off).
    pub mfe_overrides: bool,
}

/// Per-client-address request limits (each answered with 429 and `Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Sustained `/api` requests per second (`RATE_LIMIT_PER_SECOND`, default 100).
    pub per_second: u32,
    /// Burst above that (`RATE_LIMIT_BURST`, default 200): a page load fetches ~30 images.
    pub burst: u32,
    /// Sign-in and register attempts per minute (`AUTH_RATE_LIMIT_PER_MINUTE`, default 10).
    pub auth_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            per_second: 100,
            burst: 200,
            auth_per_minute: 10,
        }
    }
}

impl RateLimits {
    fn from_env() -> Result<Self, ConfigError> {
        let default = Self::default();
        Ok(Self {
            per_second: env_or("RATE_LIMIT_PER_SECOND", default.per_second)?,
            burst: env_or("RATE_LIMIT_BURST", default.burst)?,
            auth_per_minute: env_or("AUTH_RATE_LIMIT_PER_MINUTE", default.auth_per_minute)?,
        })
    }
}

impl Settings {
    /// Reads the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut upstreams = Vec::new();
        for service in services::ALL {
            let key = format!("{}_URL", service.name.to_uppercase());
            let default = format!("http://127.0.0.1:{}", service.default_port);
            upstreams.push((*service, env_or(&key, default)?.trim_end_matches('/').to_string()));
        }
        Ok(Self {
            host: env_or("HOST", "127.0.0.1".to_string())?,
            port: env_or("PORT", GATEWAY_PORT)?,
            web_dir: env_or("WEB_DIR", PathBuf::from("dist"))?,
            upstreams,
            upstream_timeout: Duration::from_millis(env_or("UPSTREAM_TIMEOUT_MS", 10_000u64)?),
            nats_url: env_or("NATS_URL", "nats://127.0.0.1:4222".to_string())?,
            limits: RateLimits::from_env()?,
            mfe_overrides: env_or("MFE_OVERRIDES", false)?,
        })
    }
}
