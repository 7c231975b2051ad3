//! The payments settings: webhook secret and tolerance, session timeout, the sandbox's URLs.

use std::time::Duration;

use contracts::services::PAYMENTS;
use kit::config::{env_or, ConfigError, ServiceConfig};

/// Settings of the payments service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Host, port, NATS and database.
    pub service: ServiceConfig,
    /// Shared secret that signs provider webhooks (`WEBHOOK_SECRET`).
    pub webhook_secret: String,
    /// How old a signed webhook may be (`WEBHOOK_TOLERANCE_SECONDS`, default 300).
    pub webhook_tolerance: Duration,
    /// How long a session may stay unpaid (`PAYMENT_TIMEOUT_SECONDS`, default 900).
    pub payment_timeout: Duration,
    /// How often expired sessions are looked for (`EXPIRY_SWEEP_MS`, default 5000).
    pub expiry_sweep: Duration,
    /// The public path of this API (`PUBLIC_PATH`, default `/api/payments`): pay-page links.
    pub public_path: String,
    /// Where the sandbox provider sends webhooks (`SANDBOX_WEBHOOK_URL`, default this service).
    pub sandbox_webhook_url: Option<String>,
    /// The sandbox pays every session the moment it opens, as a shopper pressing "Pay" at
    /// once would (`SANDBOX_AUTO_PAY`, default false): for load tests of the whole saga.
    pub sandbox_auto_pay: bool,
}

/// The sandbox's well-known test secret (like a provider's test-mode key: not a secret).
pub const SANDBOX_SECRET: &str = "whsec_mercado_sandbox";

impl Settings {
    /// Reads the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let sandbox_webhook_url: String = env_or("SANDBOX_WEBHOOK_URL", String::new())?;
        Ok(Self {
            service: ServiceConfig::from_env(PAYMENTS)?,
            webhook_secret: env_or("WEBHOOK_SECRET", SANDBOX_SECRET.to_string())?,
            webhook_tolerance: Duration::from_secs(env_or("WEBHOOK_TOLERANCE_SECONDS", 300u64)?),
            payment_timeout: Duration::from_secs(env_or("PAYMENT_TIMEOUT_SECONDS", 900u64)?),
            expiry_sweep: Duration::from_millis(env_or("EXPIRY_SWEEP_MS", 5_000u64)?),
            public_path: env_or("PUBLIC_PATH", PAYMENTS.api_prefix())?,
            sandbox_webhook_url: (!sandbox_webhook_url.is_empty()).then_some(sandbox_webhook_url),
            sandbox_auto_pay: env_or("SANDBOX_AUTO_PAY", false)?,
        })
    }

    /// Defaults around `service` (tests bring their own database and NATS).
    pub fn with_service(service: ServiceConfig) -> Self {
        Self {
            service,
            webhook_secret: SANDBOX_SECRET.into(),
            webhook_tolerance: Duration::from_secs(300),
            payment_timeout: Duration::from_secs(900),
            expiry_sweep: Duration::from_millis(5_000),
            public_path: PAYMENTS.api_prefix(),
            sandbox_webhook_url: None,
            sandbox_auto_pay: false,
        }
    }
}
