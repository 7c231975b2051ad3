//! The gateway's settings: where the web lives and where each service is.

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
        })
    }
}
