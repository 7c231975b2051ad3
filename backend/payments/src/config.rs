//! The payments settings: which provider, where its API is and the keys for it, webhook
//! tolerance, session timeout, the sandbox's URLs — and the rules that keep a real provider
//! from running with the sandbox's published secret or without its own keys.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use contracts::services::PAYMENTS;
use kit::config::{env_or, ConfigError, ServiceConfig};

/// Settings of the payments service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Host, port, NATS and database.
    pub service: ServiceConfig,
    /// The payment provider (`PAYMENTS_PROVIDER`, default `sandbox`).
    pub provider: Provider,
    /// Base URL of the provider's Stripe-compatible API (`PAYMENTS_PROVIDER_URL`; unset: the
    /// built-in sandbox of this very process for `sandbox`, [`STRIPE_API`] for `stripe`).
    pub provider_url: Option<String>,
    /// The provider's API secret key, sent as a bearer token (`PAYMENTS_SECRET_KEY`; the
    /// sandbox makes up a random one per process when unset, so nobody else can call its
    /// API; `stripe` needs Stripe's `sk_…` key).
    pub secret_key: String,
    /// Absolute base of the storefront the provider sends shoppers back to (`STOREFRONT_URL`,
    /// e.g. `https://shop.example`; default empty: same-origin paths, enough for the sandbox,
    /// which is served under the storefront's own address; Stripe needs it).
    pub storefront_url: String,
    /// Shared secret that signs provider webhooks (`WEBHOOK_SECRET`; defaults to
    /// [`SANDBOX_SECRET`] only for the sandbox provider).
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
    /// The sandbox pays every session the moment payments announces it
    /// (`payments.session-created`), as a shopper pressing "Pay" on first sight of the pay
    /// page would (`SANDBOX_AUTO_PAY`, default false): for load tests of the whole saga.
    pub sandbox_auto_pay: bool,
}

/// The sandbox's well-known test secret (like a provider's test-mode key: not a secret).
pub const SANDBOX_SECRET: &str = "whsec_mercado_sandbox";

/// Stripe's API, the default base URL for `PAYMENTS_PROVIDER=stripe`.
pub const STRIPE_API: &str = "https://api.stripe.com";

/// Who takes the payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// Mercado's offline stand-in with its own pay page (the default; demo and tests).
    Sandbox,
    /// Stripe, or any service speaking its API at `PAYMENTS_PROVIDER_URL`: no sandbox pages
    /// are served, and its own keys are required.
    Stripe,
}

impl Provider {
    /// The `PAYMENTS_PROVIDER` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Sandbox => "sandbox",
            Provider::Stripe => "stripe",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Provider {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim().to_ascii_lowercase().as_str() {
            "sandbox" => Ok(Provider::Sandbox),
            "stripe" => Ok(Provider::Stripe),
            _ => Err("expected `sandbox` or `stripe`".into()),
        }
    }
}

/// Why the payments settings were refused.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A variable is set but cannot be parsed.
    #[error(transparent)]
    Env(#[from] ConfigError),
    /// A real provider without its own webhook secret.
    #[error(
        "PAYMENTS_PROVIDER={provider} needs WEBHOOK_SECRET set to the provider's signing secret; \
         it is unset"
    )]
    MissingSecret {
        /// The provider selected.
        provider: Provider,
    },
    /// A real provider with the sandbox's published secret: anyone could sign its webhooks.
    #[error(
        "PAYMENTS_PROVIDER={provider} with WEBHOOK_SECRET set to the sandbox's published test \
         secret: anyone could sign webhooks with it; set the provider's own signing secret"
    )]
    SandboxSecret {
        /// The provider selected.
        provider: Provider,
    },
    /// A real provider without its API secret key.
    #[error("PAYMENTS_PROVIDER={provider} needs PAYMENTS_SECRET_KEY set to the provider's secret key")]
    MissingKey {
        /// The provider selected.
        provider: Provider,
    },
    /// A real provider cannot send shoppers back to a relative path.
    #[error(
        "PAYMENTS_PROVIDER={provider} needs STOREFRONT_URL, the storefront's absolute http(s) \
         address (the provider sends shoppers back there); it is {url:?}"
    )]
    StorefrontUrl {
        /// The provider selected.
        provider: Provider,
        /// What was given.
        url: String,
    },
    /// `PAYMENTS_PROVIDER_URL` is not an http(s) URL.
    #[error("PAYMENTS_PROVIDER_URL={0:?} is not an http(s) URL")]
    ProviderUrl(String),
}

impl Settings {
    /// Reads the environment and [checks](Settings::check) the result.
    pub fn from_env() -> Result<Self, SettingsError> {
        let sandbox_webhook_url: String = env_or("SANDBOX_WEBHOOK_URL", String::new())?;
        let provider = env_or("PAYMENTS_PROVIDER", Provider::Sandbox)?;
        let given_secret = std::env::var("WEBHOOK_SECRET").ok();
        let provider_url: String = env_or("PAYMENTS_PROVIDER_URL", String::new())?;
        let secret_key: String = env_or("PAYMENTS_SECRET_KEY", String::new())?;
        let settings = Self {
            service: ServiceConfig::from_env(PAYMENTS)?,
            provider,
            provider_url: (!provider_url.is_empty()).then_some(provider_url),
            secret_key: if secret_key.is_empty() && provider == Provider::Sandbox {
                random_sandbox_key()
            } else {
                secret_key
            },
            storefront_url: env_or("STOREFRONT_URL", String::new())?,
            webhook_secret: webhook_secret(provider, given_secret)?,
            webhook_tolerance: Duration::from_secs(env_or("WEBHOOK_TOLERANCE_SECONDS", 300u64)?),
            payment_timeout: Duration::from_secs(env_or("PAYMENT_TIMEOUT_SECONDS", 900u64)?),
            expiry_sweep: Duration::from_millis(env_or("EXPIRY_SWEEP_MS", 5_000u64)?),
            public_path: env_or("PUBLIC_PATH", PAYMENTS.api_prefix())?,
            sandbox_webhook_url: (!sandbox_webhook_url.is_empty()).then_some(sandbox_webhook_url),
            sandbox_auto_pay: env_or("SANDBOX_AUTO_PAY", false)?,
        };
        settings.check()?;
        Ok(settings)
    }

    /// Defaults around `service` (tests bring their own database and NATS).
    pub fn with_service(service: ServiceConfig) -> Self {
        Self {
            service,
            provider: Provider::Sandbox,
            provider_url: None,
            secret_key: random_sandbox_key(),
            storefront_url: String::new(),
            webhook_secret: SANDBOX_SECRET.into(),
            webhook_tolerance: Duration::from_secs(300),
            payment_timeout: Duration::from_secs(900),
            expiry_sweep: Duration::from_millis(5_000),
            public_path: PAYMENTS.api_prefix(),
            sandbox_webhook_url: None,
            sandbox_auto_pay: false,
        }
    }

    /// Whether these settings may run: the sandbox with any secret; another provider only
    /// with a webhook secret and an API key of its own and the storefront's absolute
    /// address. Start-up calls it too, so settings assembled in code obey the same rules as
    /// the environment.
    pub fn check(&self) -> Result<(), SettingsError> {
        webhook_secret(self.provider, Some(self.webhook_secret.clone()))?;
        if let Some(url) = &self.provider_url {
            if !is_http_url(url) {
                return Err(SettingsError::ProviderUrl(url.clone()));
            }
        }
        match self.provider {
            Provider::Sandbox => Ok(()),
            provider @ Provider::Stripe => {
                if self.secret_key.is_empty() {
                    return Err(SettingsError::MissingKey { provider });
                }
                if !is_http_url(&self.storefront_url) {
                    let url = self.storefront_url.clone();
                    return Err(SettingsError::StorefrontUrl { provider, url });
                }
                Ok(())
            }
        }
    }

    /// The provider API's base URL; `own_port` is where this process serves its sandbox.
    pub fn provider_base(&self, own_port: u16) -> String {
        match (&self.provider_url, self.provider) {
            (Some(url), _) => url.clone(),
            (None, Provider::Sandbox) => format!("http://127.0.0.1:{own_port}/sandbox"),
            (None, Provider::Stripe) => STRIPE_API.into(),
        }
    }

    /// Where the provider sends the shopper back to: their order's page.
    pub fn order_page(&self, order_id: &str) -> String {
        format!(
            "{}/account/orders/{order_id}",
            self.storefront_url.trim_end_matches('/')
        )
    }
}

/// A sandbox API key nobody else knows: the sandbox's API is reachable through the gateway,
/// and a published key would let anyone open or expire sessions on it.
fn random_sandbox_key() -> String {
    format!("sk_test_{}", uuid::Uuid::new_v4().simple())
}

fn is_http_url(text: &str) -> bool {
    text.split_once("://")
        .is_some_and(|(scheme, rest)| matches!(scheme, "http" | "https") && !rest.is_empty())
}

/// The webhook secret for `provider` from `WEBHOOK_SECRET` (`given`; empty counts as unset):
/// the sandbox falls back to its published secret, any other provider must have its own.
fn webhook_secret(provider: Provider, given: Option<String>) -> Result<String, SettingsError> {
    let given = given.filter(|s| !s.is_empty());
    match (provider, given) {
        (Provider::Sandbox, given) => Ok(given.unwrap_or_else(|| SANDBOX_SECRET.into())),
        (provider, None) => Err(SettingsError::MissingSecret { provider }),
        (provider, Some(secret)) if secret == SANDBOX_SECRET => {
            Err(SettingsError::SandboxSecret { provider })
        }
        (_, Some(secret)) => Ok(secret),
    }
}

#[cfg(test)]
mod tests;
