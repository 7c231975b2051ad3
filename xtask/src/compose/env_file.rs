//! The git-ignored `.env` beside `docker-compose.yml`, which both compose versions read: the
//! generated secrets of the demo stack (webhook secret, PostgreSQL superuser password, one
//! DSN per service with its own generated password) and its project name. Values already
//! there are kept, so a restarted stack still verifies what it signed before and its roles
//! keep their passwords. The DSNs are also written as files in `target/compose/secrets/`,
//! which compose hands to postgres-init as secrets.

use anyhow::{Context, Result};
use std::io::Read;
use std::path::PathBuf;

use contracts::services::Service;

use crate::postgres::on_postgres;

use crate::paths;

/// `ORDERS_DATABASE_URL` for orders.
pub fn database_url_key(service: &Service) -> String {
    format!("{}_DATABASE_URL", service.name.to_uppercase())
}

/// Makes sure `.env` holds every variable the compose file needs.
pub fn ensure() -> Result<()> {
    let path = paths::root().join(".env");
    let mut text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
    };
    let mut added = Vec::new();
    if !defines(&text, "COMPOSE_PROJECT_NAME") {
        // So that plain `docker compose …` in this folder means the stack xtask started.
        added.push(format!("COMPOSE_PROJECT_NAME={}", super::DEMO_PROJECT));
    }
    if !defines(&text, "WEBHOOK_SECRET") {
        // What the sandbox provider signs its webhooks with; generated, never committed.
        added.push(format!("WEBHOOK_SECRET=whsec_{}", random_hex(32)?));
    }
    if !defines(&text, "POSTGRES_PASSWORD") {
        added.push(format!("POSTGRES_PASSWORD={}", random_hex(24)?));
    }
    for service in on_postgres() {
        let key = database_url_key(service);
        if !defines(&text, &key) {
            let name = service.name;
            added.push(format!(
                "{key}=postgres://{name}:{}@postgres:5432/{name}",
                random_hex(24)?
            ));
        }
    }
    if !added.is_empty() {
        append(&path, text.clone(), &added)?;
        text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    }
    write_secrets(&text)
}

/// Adds `added` to the `.env` at `path` whose text is `text`.
fn append(path: &std::path::Path, mut text: String, added: &[String]) -> Result<()> {
    if text.is_empty() {
        text.push_str("# Written by `cargo xtask compose up` for docker-compose.yml; git-ignored.\n");
    } else if !text.ends_with('\n') {
        text.push('\n');
    }
    for line in added {
        text.push_str(line);
        text.push('\n');
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    println!("  ✓ .env: generated {}", names(added));
    Ok(())
}

/// Where compose finds postgres-init's secrets (the compose file names this folder).
pub fn secrets_dir() -> PathBuf {
    paths::root().join("target").join("compose").join("secrets")
}

/// Writes each DSN of `env` (the `.env` text) to `<secrets_dir>/<name>-url`, and the
/// superuser's as `admin-url`. Readable by all: the container's user must read the bind
/// mount, and this is the local demo stack (the Kubernetes overlays hold them in Secrets).
fn write_secrets(env: &str) -> Result<()> {
    let dir = secrets_dir();
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let password = value(env, "POSTGRES_PASSWORD").context(".env has POSTGRES_PASSWORD")?;
    let mut files = vec![(
        "admin".to_string(),
        format!("postgres://postgres:{password}@postgres:5432/postgres"),
    )];
    for service in on_postgres() {
        let key = database_url_key(service);
        let url = value(env, &key).with_context(|| format!(".env has {key}"))?;
        files.push((service.name.to_string(), url.to_string()));
    }
    for (name, url) in files {
        let file = dir.join(format!("{name}-url"));
        std::fs::write(&file, format!("{url}\n")).with_context(|| format!("writing {}", file.display()))?;
    }
    Ok(())
}

/// The value `key` is assigned in `text`.
fn value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        line.trim_start()
            .strip_prefix(key)
            .and_then(|rest| rest.strip_prefix('='))
            .map(str::trim)
    })
}

fn defines(text: &str, key: &str) -> bool {
    text.lines().any(|line| {
        line.trim_start()
            .strip_prefix(key)
            .is_some_and(|rest| rest.starts_with('='))
    })
}

fn names(lines: &[String]) -> String {
    lines
        .iter()
        .filter_map(|l| l.split_once('=').map(|(k, _)| k))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `bytes` random bytes from the kernel, as lowercase hex.
fn random_hex(bytes: usize) -> Result<String> {
    let mut buffer = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buffer))
        .context("reading /dev/urandom for a generated secret")?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use contracts::services;

    #[test]
    fn a_key_counts_only_when_assigned() {
        let text = "# WEBHOOK_SECRET is generated\nCOMPOSE_PROJECT_NAME=x\nWEBHOOK_SECRETS=no\n";
        assert!(defines(text, "COMPOSE_PROJECT_NAME"));
        assert!(!defines(text, "WEBHOOK_SECRET"));
    }

    #[test]
    fn values_are_read_by_exact_key() {
        let text = "ORDERS_DATABASE_URL_OLD=x\nORDERS_DATABASE_URL=postgres://o:p@postgres:5432/orders\n";
        assert_eq!(
            value(text, "ORDERS_DATABASE_URL"),
            Some("postgres://o:p@postgres:5432/orders")
        );
        assert_eq!(value(text, "CART_DATABASE_URL"), None);
    }

    #[test]
    fn every_service_but_the_catalog_gets_a_database() {
        let names: Vec<_> = on_postgres().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "identity",
                "cart",
                "inventory",
                "orders",
                "payments",
                "shipping",
                "reviews"
            ]
        );
        assert_eq!(database_url_key(&services::ORDERS), "ORDERS_DATABASE_URL");
    }

    #[test]
    fn secrets_are_random_hex() {
        let (a, b) = (random_hex(16).ok(), random_hex(16).ok());
        assert!(a
            .as_deref()
            .is_some_and(|a| a.bytes().all(|c| c.is_ascii_hexdigit())));
        assert_eq!(a.as_ref().map(String::len), Some(32));
        assert_ne!(a, b);
    }
}
