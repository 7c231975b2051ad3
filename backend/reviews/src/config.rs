//! The reviews settings: the common ones only.

use contracts::services::REVIEWS;
use kit::config::{ConfigError, ServiceConfig};

/// Settings of the reviews service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Host, port, NATS and database.
    pub service: ServiceConfig,
}

impl Settings {
    /// Reads `HOST`, `PORT`, `NATS_URL`, `DATABASE_URL` / `DATA_DIR`.
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            service: ServiceConfig::from_env(REVIEWS)?,
        })
    }
}
