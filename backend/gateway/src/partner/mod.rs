//! The partner API: `/partner/v1/…`, a stable, versioned shape of the public catalog for
//! partners who call it with an `x-api-key` (docs/decisions/0017-partner-api.md).
//!
//! - [`keys`]: a key's tier and today's usage, asked of identity on `identity.partner-key` and
//!   cached for [`PartnerSettings::key_cache_ttl`] — the bound on how long a revoked key works.
//! - [`limits`]: per key, a per-second rate and a daily quota by tier, answered with the IETF
//!   `RateLimit-Policy` / `RateLimit` headers (and 429 + `Retry-After` over a limit).
//! - [`routes`] and [`map`]: the v1 endpoints, which call the catalog's own API and map its
//!   DTOs onto `contracts::partner`'s, so the catalog can change while v1 stays.
//! - [`openapi`]: v1's OpenAPI document, public at `/partner/v1/openapi.json`.
//!
//! Browser traffic (`/api/*`) never passes here: its per-client limits are untouched.

pub mod error;
pub mod keys;
pub mod limits;
pub mod map;
pub mod metrics;
pub mod openapi;
pub mod routes;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::{middleware, Router};
use contracts::partner::{Tier, TierLimits};
use kit::config::{env_or, ConfigError};
use kit::ratelimit::KeyedLimit;

use crate::forwarding;
use crate::state::AppState;

/// How partner keys are checked and limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartnerSettings {
    /// How long a key's answer from identity is used before asking again
    /// (`PARTNER_KEY_CACHE_SECONDS`, default 30): a revoked key stops working within this, and
    /// each replica reports its count of a key's requests to identity this often.
    pub key_cache_ttl: Duration,
    /// The free tier (`FREE_TIER_PER_SECOND`, default 5; `FREE_TIER_DAILY`, default 1 000).
    pub free: TierLimits,
    /// The partner tier (`PARTNER_TIER_PER_SECOND`, default 100; `PARTNER_TIER_DAILY`,
    /// default 100 000).
    pub partner: TierLimits,
    /// Lookups of keys not in the cache, per client address and second
    /// (`PARTNER_KEY_LOOKUPS_PER_SECOND`, default 10, bursts twice that): made-up keys must not
    /// turn into a flood of questions to identity.
    pub lookups_per_second: u32,
}

impl Default for PartnerSettings {
    fn default() -> Self {
        Self {
            key_cache_ttl: Duration::from_secs(30),
            free: Tier::Free.default_limits(),
            partner: Tier::Partner.default_limits(),
            lookups_per_second: 10,
        }
    }
}

impl PartnerSettings {
    /// Reads the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let default = Self::default();
        let tier = |prefix: &str, limits: TierLimits| -> Result<TierLimits, ConfigError> {
            let per_second = env_or(&format!("{prefix}_TIER_PER_SECOND"), limits.per_second)?;
            Ok(TierLimits {
                per_second,
                burst: per_second,
                daily: env_or(&format!("{prefix}_TIER_DAILY"), limits.daily)?,
            })
        };
        Ok(Self {
            key_cache_ttl: Duration::from_secs(env_or(
                "PARTNER_KEY_CACHE_SECONDS",
                default.key_cache_ttl.as_secs(),
            )?),
            free: tier("FREE", default.free)?,
            partner: tier("PARTNER", default.partner)?,
            lookups_per_second: env_or("PARTNER_KEY_LOOKUPS_PER_SECOND", default.lookups_per_second)?,
        })
    }

    /// The limits of `tier`.
    pub fn limits(&self, tier: Tier) -> TierLimits {
        match tier {
            Tier::Free => self.free,
            Tier::Partner => self.partner,
        }
    }
}

/// What the partner routes share.
#[derive(Clone)]
pub struct PartnerState {
    /// The gateway's own state (the catalog's addresses, the pooled client, deadlines).
    pub app: AppState,
    /// Keys, limits and settings.
    pub partner: Arc<Partner>,
}

/// The partner API's own parts.
pub struct Partner {
    /// Keys by hash, from identity.
    pub keys: keys::KeyCache,
    /// Per-second allowances by key id.
    pub buckets: limits::Buckets,
    /// Lookups of uncached keys per client address.
    pub lookups: KeyedLimit<IpAddr>,
    /// The settings.
    pub settings: PartnerSettings,
}

/// `/partner/…`: the v1 routes behind the key check and limits (any other path under
/// `/partner` is a 404 problem, never the shell).
pub fn router(settings: &PartnerSettings, nats: async_nats::Client, app: AppState) -> Router {
    let lookups = settings.lookups_per_second;
    let partner = Partner {
        keys: keys::KeyCache::from_nats(nats, settings.key_cache_ttl),
        buckets: limits::Buckets::default(),
        lookups: KeyedLimit::new(lookups, Duration::from_secs(1), lookups.saturating_mul(2)),
        settings: *settings,
    };
    let state = PartnerState {
        app: app.clone(),
        partner: Arc::new(partner),
    };
    let v1 = Router::new()
        .route("/v1/products", get(routes::products_list))
        .route("/v1/products/{id}", get(routes::products_get))
        .fallback(routes::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), limits::guard))
        .layer(middleware::from_fn_with_state(app, forwarding::resolve))
        .with_state(state);
    // The document is outside the key check: a partner reads it before having a key.
    let docs = Router::new().route("/v1/openapi.json", get(openapi::openapi_json));
    Router::new().nest("/partner", docs.merge(v1))
}
