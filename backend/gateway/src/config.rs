//! The gateway's settings: where the web lives, where each service is, how much a client may ask.

use std::path::PathBuf;
use std::time::Duration;

use contracts::services::{self, Service, GATEWAY_PORT};
use kit::config::{env_list, env_or, ConfigError};

use crate::aggregate::PageDeadlines;
use crate::forwarding::{Forwarding, Scheme};
use crate::partner::PartnerSettings;
use crate::upstream::breaker::BreakerPolicy;

/// Settings of the gateway.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Interface to bind (`HOST`).
    pub host: String,
    /// Port (`PORT`, default 8080).
    pub port: u16,
    /// The built shell + MFEs (`WEB_DIR`, default `dist`).
    pub web_dir: PathBuf,
    /// Base URLs of each service (`<NAME>_URL`, comma-separated when it runs as several
    /// replicas with their own addresses; default its local port).
    pub upstreams: Vec<(Service, Vec<String>)>,
    /// How long a service may take to start answering (`UPSTREAM_TIMEOUT_MS`, default 10 s).
    pub upstream_timeout: Duration,
    /// How long a whole proxied answer may take, body included (`UPSTREAM_DEADLINE_MS`,
    /// default 30 s).
    pub upstream_deadline: Duration,
    /// How long an assembled page may take (`PAGE_DEADLINE_MS`, default 1.5 s), and each
    /// part it can be shown without (`PAGE_PART_DEADLINE_MS`, default 1 s).
    pub pages: PageDeadlines,
    /// When an address of a service is failing fast (`BREAKER_FAILURES` in a row, default 5;
    /// then `BREAKER_OPEN_MS` before a probe, default 5 s).
    pub breaker: BreakerPolicy,
    /// Trusted proxies in front of the gateway and the scheme clients use.
    pub forwarding: Forwarding,
    /// NATS server (`NATS_URL`), for the signing keys that verify access tokens.
    pub nats_url: String,
    /// Request limits per client address.
    pub limits: RateLimits,
    /// Whether a developer may point one MFE of this storefront at a local build
    /// (`?mfe-override=name=url`; `MFE_OVERRIDES`, default off: `xtask up` turns it on, the
    /// compose and Kubernetes configurations leave it off).
    pub mfe_overrides: bool,
    /// The partner API's key cache and tier limits (docs/decisions/0017).
    pub partner: PartnerSettings,
}

/// Per-client-address request limits (each answered with 429 and `Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Sustained `/api` requests per second (`RATE_LIMIT_PER_SECOND`, default 100).
    pub per_second: u32,
    /// Burst above that (`RATE_LIMIT_BURST`, default 200): a page load fetches ~30 images.
    pub burst: u32,
    /// Sign-in and register requests per minute, bursts as large (`AUTH_RATE_LIMIT_PER_MINUTE`,
    /// default 120): a flood guard sized for many shoppers behind one address; password
    /// guessing is counted by identity (docs/decisions/0013).
    pub auth_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            per_second: 100,
            burst: 200,
            auth_per_minute: 120,
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
            upstreams.push((*service, env_list(&key, vec![default])?));
        }
        let breaker = BreakerPolicy {
            threshold: env_or("BREAKER_FAILURES", BreakerPolicy::default().threshold)?,
            open_for: Duration::from_millis(env_or("BREAKER_OPEN_MS", 5_000u64)?),
        };
        let forwarding = Forwarding {
            trusted: env_list("TRUSTED_PROXIES", Vec::new())?,
            proto: env_or("FORWARDED_PROTO", Scheme::Http)?,
        };
        Ok(Self {
            host: env_or("HOST", "127.0.0.1".to_string())?,
            port: env_or("PORT", GATEWAY_PORT)?,
            web_dir: env_or("WEB_DIR", PathBuf::from("dist"))?,
            upstreams,
            upstream_timeout: Duration::from_millis(env_or("UPSTREAM_TIMEOUT_MS", 10_000u64)?),
            upstream_deadline: Duration::from_millis(env_or("UPSTREAM_DEADLINE_MS", 30_000u64)?),
            pages: PageDeadlines {
                page: Duration::from_millis(env_or("PAGE_DEADLINE_MS", 1_500u64)?),
                part: Duration::from_millis(env_or("PAGE_PART_DEADLINE_MS", 1_000u64)?),
            },
            breaker,
            forwarding,
            nats_url: env_or("NATS_URL", "nats://127.0.0.1:4222".to_string())?,
            limits: RateLimits::from_env()?,
            mfe_overrides: env_or("MFE_OVERRIDES", false)?,
            partner: PartnerSettings::from_env()?,
        })
    }
}
