//! deploy/prometheus/compose.yml against `contracts::services`: one scrape job per service
//! (and the gateway), named as the service, at `<name>:<port>` — the names the dashboard's
//! `job` label and the compose stack's DNS use.

use anyhow::{bail, Context, Result};
use contracts::services::{self, GATEWAY_PORT};
use serde_yaml::Value;

/// Fails with every job that is missing, extra or on the wrong target.
pub fn compose_jobs(config: &str) -> Result<()> {
    let file: Value = serde_yaml::from_str(config).context("parsing deploy/prometheus/compose.yml")?;
    let jobs = file
        .get("scrape_configs")
        .and_then(Value::as_sequence)
        .context("deploy/prometheus/compose.yml has no scrape_configs")?;
    let found: Vec<(String, Vec<String>)> = jobs.iter().map(job_targets).collect();
    let mut wanted: Vec<(&str, u16)> = services::ALL.iter().map(|s| (s.name, s.default_port)).collect();
    wanted.push(("gateway", GATEWAY_PORT));
    let mut problems = Vec::new();
    for (name, port) in &wanted {
        let target = format!("{name}:{port}");
        match found.iter().find(|(job, _)| job == name) {
            Some((_, targets)) if targets.len() == 1 && targets[0] == target => {}
            Some((_, targets)) => problems.push(format!("job {name} scrapes {targets:?}, not [{target}]")),
            None => problems.push(format!("no job for {name}")),
        }
    }
    for (job, _) in &found {
        if !wanted.iter().any(|(name, _)| name == job) {
            problems.push(format!("job {job} is no service of contracts::services"));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    bail!(
        "deploy/prometheus/compose.yml disagrees with contracts::services:\n  - {}",
        problems.join("\n  - ")
    )
}

fn job_targets(job: &Value) -> (String, Vec<String>) {
    let name = job
        .get("job_name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let targets = job
        .get("static_configs")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("targets")?.as_sequence())
        .flatten()
        .filter_map(|t| t.as_str().map(String::from))
        .collect();
    (name, targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checked_in_config_agrees_and_a_wrong_port_is_named() {
        let path = crate::paths::root().join("deploy/prometheus/compose.yml");
        let text = std::fs::read_to_string(path).unwrap();
        compose_jobs(&text).unwrap();
        let wrong = text.replace("catalog:8102", "catalog:9999");
        let err = compose_jobs(&wrong).unwrap_err().to_string();
        assert!(err.contains("job catalog scrapes"), "{err}");
    }
}
