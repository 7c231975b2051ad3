//! Settings from the environment, with defaults that make `cargo run -p <service>` just work.

use std::path::PathBuf;
use std::str::FromStr;

use contracts::services::Service;

/// A variable that is set but cannot be parsed.
#[derive(Debug, thiserror::Error)]
#[error("environment variable {key}={value:?} is invalid: {reason}")]
pub struct ConfigError {
    /// Variable name.
    pub key: String,
    /// Its value.
    pub value: String,
    /// Why it was refused.
    pub reason: String,
}

/// Reads `key`, falling back to `default` when unset; a set but unparsable value is an error.
pub fn env_or<T>(key: &str, default: T) -> Result<T, ConfigError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    match std::env::var(key) {
        Ok(value) => value.parse().map_err(|e: T::Err| ConfigError {
            key: key.into(),
            value: value.clone(),
            reason: e.to_string(),
        }),
        Err(_) => Ok(default),
    }
}

/// Reads `key` as a comma-separated list (blank items skipped), falling back to `default`
/// when unset; an item that cannot be parsed is an error.
pub fn env_list<T>(key: &str, default: Vec<T>) -> Result<Vec<T>, ConfigError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    match std::env::var(key) {
        Ok(value) => parse_list(key, &value),
        Err(_) => Ok(default),
    }
}

fn parse_list<T>(key: &str, value: &str) -> Result<Vec<T>, ConfigError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse().map_err(|e: T::Err| ConfigError {
                key: key.into(),
                value: value.into(),
                reason: format!("{item:?}: {e}"),
            })
        })
        .collect()
}

/// What every service needs to start.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// Service name (logs, database file name).
    pub name: &'static str,
    /// Interface to bind (`HOST`, default 127.0.0.1; compose sets 0.0.0.0).
    pub host: String,
    /// Port (`PORT`, default the service's port in `contracts::services`; 0 picks a free one).
    pub port: u16,
    /// NATS server (`NATS_URL`).
    pub nats_url: String,
    /// Database (`DATABASE_URL`, default a SQLite file `<DATA_DIR>/<name>.db`).
    pub database_url: String,
    /// Copies of each JetStream stream the service creates or finds (`JETSTREAM_REPLICAS`,
    /// default 1 for a single nats-server; 3 on a three-node cluster, so that the saga's
    /// events outlive a node).
    pub stream_replicas: usize,
}

impl ServiceConfig {
    /// Loads the settings of `service` from the environment.
    pub fn from_env(service: Service) -> Result<Self, ConfigError> {
        let data_dir: PathBuf = env_or("DATA_DIR", PathBuf::from(".data"))?;
        let default_db = format!(
            "sqlite://{}?mode=rwc",
            data_dir.join(format!("{}.db", service.name)).display()
        );
        Ok(Self {
            name: service.name,
            host: env_or("HOST", "127.0.0.1".to_string())?,
            port: env_or("PORT", service.default_port)?,
            nats_url: env_or("NATS_URL", "nats://127.0.0.1:4222".to_string())?,
            database_url: env_or("DATABASE_URL", default_db)?,
            stream_replicas: stream_replicas()?,
        })
    }

    /// `host:port` to bind.
    pub fn bind_address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// `JETSTREAM_REPLICAS`: 1 unless set, and refused outside what JetStream allows.
fn stream_replicas() -> Result<usize, ConfigError> {
    within_stream_replicas(env_or("JETSTREAM_REPLICAS", 1)?)
}

fn within_stream_replicas(replicas: usize) -> Result<usize, ConfigError> {
    if !(1..=crate::bus::MAX_STREAM_REPLICAS).contains(&replicas) {
        return Err(ConfigError {
            key: "JETSTREAM_REPLICAS".into(),
            value: replicas.to_string(),
            reason: format!(
                "JetStream keeps 1 to {} copies of a stream",
                crate::bus::MAX_STREAM_REPLICAS
            ),
        });
    }
    Ok(replicas)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_uses_default_and_bad_value_names_the_variable() {
        assert_eq!(env_or("MERCADO_TEST_UNSET_VAR", 7u16).ok(), Some(7));
        std::env::set_var("MERCADO_TEST_BAD_PORT", "eighty");
        let err = env_or::<u16>("MERCADO_TEST_BAD_PORT", 80)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("MERCADO_TEST_BAD_PORT"), "{err}");
    }

    #[test]
    fn stream_copies_are_one_to_five() {
        assert_eq!(within_stream_replicas(3).ok(), Some(3));
        for refused in [0, 6] {
            let err = within_stream_replicas(refused).unwrap_err().to_string();
            assert!(
                err.contains("JETSTREAM_REPLICAS") && err.contains("1 to 5"),
                "{err}"
            );
        }
    }

    #[test]
    fn a_list_skips_blanks_and_names_the_bad_item() {
        let ports: Vec<u16> = parse_list("PORTS", " 80, ,8080,").unwrap();
        assert_eq!(ports, [80, 8080]);
        let err = parse_list::<u16>("PORTS", "80,eighty").unwrap_err().to_string();
        assert!(err.contains("PORTS") && err.contains("\"eighty\""), "{err}");
    }
}
