//! The orders service's settings: the common ones only.

use contracts::services::ORDERS;
use kit::config::{ConfigError, ServiceConfig};

/// Settings of the orders service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Host, port, NATS and database.
    pub service: ServiceConfig,
}

impl Settings {
    /// Reads `HOST`, `PORT`, `NATS_URL`, `DATABASE_URL` / `DATA_DIR`.
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            service: ServiceConfig::from_env(ORDERS)?,
        })
    }
}
