//! Shipping's settings: how fast the stand-in carrier moves parcels.

use std::time::Duration;

use contracts::services::SHIPPING;
use kit::config::{env_or, ConfigError, ServiceConfig};

/// Settings of the shipping service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Host, port, NATS and database.
    pub service: ServiceConfig,
    /// Time between tracking steps (`TRACKING_STEP_MS`, default 30 000).
    pub tracking_step: Duration,
}

impl Settings {
    /// Reads the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            service: ServiceConfig::from_env(SHIPPING)?,
            tracking_step: Duration::from_millis(env_or("TRACKING_STEP_MS", 30_000u64)?),
        })
    }

    /// Defaults around `service`.
    pub fn with_service(service: ServiceConfig) -> Self {
        Self {
            service,
            tracking_step: Duration::from_secs(30),
        }
    }
}
