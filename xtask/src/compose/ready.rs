//! Waiting until the compose stack sells, with a deadline. Scratch images have no shell or
//! HTTP client for a healthcheck, and the gateway's `/readyz` reports only its own web and
//! NATS connection, so readiness is read from outside, in three steps:
//!
//! 1. every replica of every service is running and has logged `listening` (a service binds
//!    its port only after its database, NATS and streams are ready);
//! 2. the gateway's `/readyz` on the published 127.0.0.1:8080 answers 200;
//! 3. through that gateway, each service with a public route answers it (the network path).

use anyhow::{bail, Result};
use std::time::{Duration, Instant};

use super::Compose;
use crate::{cmd, stack};
use contracts::services::{self, GATEWAY_PORT};

/// How long a started stack may take to become ready (services retry NATS for ~30 s).
const DEADLINE: Duration = Duration::from_secs(120);
/// Requests through the gateway that reach a service without a user token.
const PUBLIC_PROBES: &[(&str, &str)] = &[
    ("identity", "/api/identity/openapi.json"),
    ("catalog", "/api/catalog/readyz"),
    ("cart", "/api/cart/readyz"),
    ("inventory", "/api/inventory/openapi.json"),
    ("payments", "/api/payments/openapi.json"),
    ("reviews", "/api/reviews/readyz"),
];

/// Blocks until the stack is ready, or fails with what was not.
pub fn wait(compose: &Compose) -> Result<()> {
    println!("==> waiting for the stack");
    let started = Instant::now();
    let deadline = started + DEADLINE;
    let names: Vec<&str> = std::iter::once("nats")
        .chain(services::ALL.iter().map(|s| s.name))
        .chain(["gateway"])
        .collect();
    for name in &names {
        let ids = compose.containers(name)?;
        if ids.is_empty() {
            bail!("compose runs no {name} container");
        }
        if *name == "nats" {
            continue;
        }
        for id in &ids {
            until(deadline, &format!("{name} ({})", short(id)), || listening(id))?;
        }
    }
    until(deadline, "the gateway's /readyz on 127.0.0.1:8080", || {
        Ok(status(GATEWAY_PORT, "/readyz") == Some(200))
    })?;
    for (name, path) in PUBLIC_PROBES {
        until(deadline, &format!("{name} through the gateway ({path})"), || {
            Ok(status(GATEWAY_PORT, path) == Some(200))
        })?;
    }
    println!("  ✓ every service ready in {:.0?}", started.elapsed());
    Ok(())
}

/// Polls `check` until it is true; an error or the deadline fails with `what`.
fn until(deadline: Instant, what: &str, mut check: impl FnMut() -> Result<bool>) -> Result<()> {
    loop {
        if check()? {
            println!("  ✓ {what}");
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("not ready within {DEADLINE:?}: {what}");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Whether container `id` has logged that it listens; fails if it stopped.
fn listening(id: &str) -> Result<bool> {
    let state = cmd::output(cmd::new("docker").args(["inspect", "-f", "{{.State.Status}}", id]))?;
    match state.trim() {
        "running" => {}
        // Crashed and waiting for its restart policy: the next attempt may do better.
        "restarting" => return Ok(false),
        other => {
            let logs = cmd::output(cmd::new("docker").args(["logs", "--tail", "20", id])).unwrap_or_default();
            bail!("container {} is {other}; its last lines:\n{logs}", short(id));
        }
    }
    // Services log JSON to stdout; `docker logs` replays it.
    let out = cmd::new("docker")
        .args(["logs", id])
        .stdin(std::process::Stdio::null())
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text.contains("\"listening\""))
}

fn status(port: u16, path: &str) -> Option<u16> {
    stack::http_get(port, path).map(|(status, _)| status)
}

fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}
