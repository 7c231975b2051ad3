//! The git-ignored `.env` beside `docker-compose.yml`, which both compose versions read: the
//! generated secrets of the demo stack and its project name. Values already there are kept,
//! so a restarted stack still verifies what it signed before.

use anyhow::{Context, Result};
use std::io::Read;

use crate::paths;

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
    if added.is_empty() {
        return Ok(());
    }
    if text.is_empty() {
        text.push_str("# Written by `cargo xtask compose up` for docker-compose.yml; git-ignored.\n");
    } else if !text.ends_with('\n') {
        text.push('\n');
    }
    for line in &added {
        text.push_str(line);
        text.push('\n');
    }
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    println!("  ✓ .env: generated {}", names(&added));
    Ok(())
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

    #[test]
    fn a_key_counts_only_when_assigned() {
        let text = "# WEBHOOK_SECRET is generated\nCOMPOSE_PROJECT_NAME=x\nWEBHOOK_SECRETS=no\n";
        assert!(defines(text, "COMPOSE_PROJECT_NAME"));
        assert!(!defines(text, "WEBHOOK_SECRET"));
    }

    #[test]
    fn secrets_are_random_hex() {
        let (a, b) = (random_hex(16).ok(), random_hex(16).ok());
        assert_eq!(a.as_ref().map(String::len), Some(32));
        assert_ne!(a, b);
    }
}
