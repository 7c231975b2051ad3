//! The catalog's settings: the common service settings, nothing of its own yet.

use contracts::services::CATALOG;
use kit::config::{ConfigError, ServiceConfig};

/// Settings of the catalog service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Host, port, NATS and database.
    pub service: ServiceConfig,
}

impl Settings {
    /// Reads `HOST`, `PORT`, `NATS_URL`, `DATABASE_URL` / `DATA_DIR`.
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            service: ServiceConfig::from_env(CATALOG)?,
        })
    }
}
