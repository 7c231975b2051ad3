//! The payments settings: which provider, webhook secret and tolerance, session timeout, the
//! sandbox's URLs — and the rule that the sandbox's published webhook secret is only ever
//! accepted together with the sandbox.

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
    /// The sandbox pays every session the moment it opens, as a shopper pressing "Pay" at
    /// once would (`SANDBOX_AUTO_PAY`, default false): for load tests of the whole saga.
    pub sandbox_auto_pay: bool,
}

/// The sandbox's well-known test secret (like a provider's test-mode key: not a secret).
pub const SANDBOX_SECRET: &str = "whsec_mercado_sandbox";

/// Who takes the payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// Mercado's offline stand-in with its own pay page (the default; demo and tests).
    Sandbox,
    /// A real hosted provider in the Stripe scheme. Reserved: no client for it exists yet,
    /// so the settings accept it (and check its secret) but the service does not start.
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
    /// A provider the settings know but this build cannot talk to yet.
    #[error(
        "PAYMENTS_PROVIDER={provider} is not available yet (no client for it in this build); \
         use `sandbox`"
    )]
    Unavailable {
        /// The provider selected.
        provider: Provider,
    },
}

impl Settings {
    /// Reads the environment and [checks](Settings::check) the result.
    pub fn from_env() -> Result<Self, SettingsError> {
        let sandbox_webhook_url: String = env_or("SANDBOX_WEBHOOK_URL", String::new())?;
        let provider = env_or("PAYMENTS_PROVIDER", Provider::Sandbox)?;
        let given_secret = std::env::var("WEBHOOK_SECRET").ok();
        let settings = Self {
            service: ServiceConfig::from_env(PAYMENTS)?,
            provider,
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
    /// with a secret of its own, and only once this build has a client for it. Start-up
    /// calls it too, so settings assembled in code obey the same rule as the environment.
    pub fn check(&self) -> Result<(), SettingsError> {
        webhook_secret(self.provider, Some(self.webhook_secret.clone()))?;
        match self.provider {
            Provider::Sandbox => Ok(()),
            provider @ Provider::Stripe => Err(SettingsError::Unavailable { provider }),
        }
    }
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
mod tests {
    use super::*;

    fn settings(provider: Provider, secret: &str) -> Settings {
        let service = ServiceConfig {
            name: "payments",
            host: "127.0.0.1".into(),
            port: 0,
            nats_url: "nats://127.0.0.1:1".into(),
            database_url: "sqlite::memory:".into(),
        };
        Settings {
            provider,
            webhook_secret: secret.into(),
            ..Settings::with_service(service)
        }
    }

    #[test]
    fn the_sandbox_defaults_to_its_published_secret_and_takes_another() {
        assert_eq!(
            webhook_secret(Provider::Sandbox, None).ok().as_deref(),
            Some(SANDBOX_SECRET)
        );
        assert_eq!(
            webhook_secret(Provider::Sandbox, Some(String::new()))
                .ok()
                .as_deref(),
            Some(SANDBOX_SECRET)
        );
        assert_eq!(
            webhook_secret(Provider::Sandbox, Some("whsec_own".into()))
                .ok()
                .as_deref(),
            Some("whsec_own")
        );
        assert!(settings(Provider::Sandbox, SANDBOX_SECRET).check().is_ok());
    }

    #[test]
    fn a_real_provider_refuses_an_unset_or_empty_secret() {
        for given in [None, Some(String::new())] {
            let err = webhook_secret(Provider::Stripe, given);
            assert!(
                matches!(
                    err,
                    Err(SettingsError::MissingSecret {
                        provider: Provider::Stripe
                    })
                ),
                "{err:?}"
            );
        }
    }

    #[test]
    fn a_real_provider_refuses_the_sandbox_secret_with_a_clear_message() {
        let err = webhook_secret(Provider::Stripe, Some(SANDBOX_SECRET.into()));
        assert!(matches!(err, Err(SettingsError::SandboxSecret { .. })), "{err:?}");
        let checked = settings(Provider::Stripe, SANDBOX_SECRET).check();
        let message = checked.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("PAYMENTS_PROVIDER=stripe"), "{message}");
        assert!(message.contains("WEBHOOK_SECRET"), "{message}");
    }

    #[test]
    fn a_real_provider_with_its_own_secret_passes_the_secret_rule_but_has_no_client_yet() {
        assert_eq!(
            webhook_secret(Provider::Stripe, Some("whsec_live".into()))
                .ok()
                .as_deref(),
            Some("whsec_live")
        );
        let checked = settings(Provider::Stripe, "whsec_live").check();
        assert!(
            matches!(checked, Err(SettingsError::Unavailable { .. })),
            "{checked:?}"
        );
    }

    #[test]
    fn the_provider_parses_from_its_name_and_refuses_others() {
        assert_eq!("sandbox".parse::<Provider>(), Ok(Provider::Sandbox));
        assert_eq!(" Stripe ".parse::<Provider>(), Ok(Provider::Stripe));
        assert!("paypal".parse::<Provider>().is_err());
        assert_eq!(Provider::Stripe.to_string(), "stripe");
    }
}
