//! docker-compose.yml against `contracts::services`, the table the Kubernetes checks hold the
//! overlays to: so compose and Kubernetes agree through it. Only what survives a rewrite of
//! the compose file is compared: every service (and the gateway) is there by its name, on its
//! port (`PORT` in its environment, else `expose`, else a `ports` container port), NATS is
//! there, and where the gateway names an upstream (`<NAME>_URL`) it is `http://<name>:<port>`.

use anyhow::{bail, Context, Result};
use contracts::services::{self, GATEWAY_PORT};
use serde_yaml::{Mapping, Value};

/// Fails with every disagreement between `compose` (the file's text) and the service table.
pub fn compose(compose: &str) -> Result<()> {
    let mut file: Value = serde_yaml::from_str(compose).context("parsing docker-compose.yml")?;
    file.apply_merge()
        .context("resolving `<<` merge keys in docker-compose.yml")?;
    let Some(defined) = file.get("services").and_then(Value::as_mapping) else {
        bail!("docker-compose.yml has no `services`");
    };
    let mut problems = Vec::new();
    let mut expected: Vec<(&str, u16)> = services::ALL.iter().map(|s| (s.name, s.default_port)).collect();
    expected.push(("gateway", GATEWAY_PORT));
    for (name, port) in &expected {
        let Some(service) = defined.get(*name) else {
            problems.push(format!("compose has no service `{name}`"));
            continue;
        };
        match service_port(service) {
            Some(found) if found == *port => {}
            Some(found) => problems.push(format!(
                "compose runs {name} on {found}, contracts::services says {port}"
            )),
            None => problems.push(format!(
                "compose gives {name} no port (PORT, expose or ports); contracts say {port}"
            )),
        }
    }
    if defined.get("nats").is_none() {
        problems.push("compose has no service `nats`".into());
    }
    if let Some(gateway) = defined.get("gateway") {
        let env = environment(gateway);
        for service in services::ALL {
            let key = format!("{}_URL", service.name.to_uppercase());
            let wanted = format!("http://{}:{}", service.name, service.default_port);
            if let Some(url) = env.iter().find(|(k, _)| *k == key).map(|(_, v)| v) {
                if url.trim_end_matches('/') != wanted {
                    problems.push(format!(
                        "compose's gateway has {key}={url}, contracts say {wanted}"
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    bail!(
        "docker-compose.yml disagrees with contracts::services:\n  - {}",
        problems.join("\n  - ")
    )
}

/// The port a compose service listens on.
fn service_port(service: &Value) -> Option<u16> {
    let from_env = environment(service)
        .into_iter()
        .find(|(k, _)| k == "PORT")
        .and_then(|(_, v)| v.parse().ok());
    let from_expose = || {
        service
            .get("expose")
            .and_then(Value::as_sequence)
            .and_then(|s| s.first())
            .and_then(scalar)
            .and_then(|p| p.split('/').next()?.parse().ok())
    };
    let from_ports = || {
        let first = service.get("ports")?.as_sequence()?.first()?;
        let container = match first.get("target") {
            Some(target) => scalar(target)?,
            // "host_ip:host:container", "host:container" or "container", maybe "/tcp".
            None => scalar(first)?.rsplit(':').next()?.to_string(),
        };
        container.split('/').next()?.parse().ok()
    };
    from_env.or_else(from_expose).or_else(from_ports)
}

/// A service's environment, as a map or as a `KEY=VALUE` list.
fn environment(service: &Value) -> Vec<(String, String)> {
    match service.get("environment") {
        Some(Value::Mapping(map)) => pairs(map),
        Some(Value::Sequence(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .filter_map(|entry| entry.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

fn pairs(map: &Mapping) -> Vec<(String, String)> {
    map.iter()
        .filter_map(|(k, v)| Some((scalar(k)?, scalar(v).unwrap_or_default())))
        .collect()
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compose file in the shape of ours: map env, `expose`, list env, `ports`.
    fn file(catalog_port: &str, cart_url: &str) -> String {
        let mut text = String::from("services:\n  nats:\n    image: nats\n");
        for service in services::ALL {
            let port = if service.name == "catalog" {
                catalog_port.to_string()
            } else {
                service.default_port.to_string()
            };
            if service.name == "cart" {
                text.push_str(&format!("  cart:\n    environment:\n      - PORT={port}\n"));
            } else {
                text.push_str(&format!(
                    "  {}:\n    environment:\n      PORT: \"{port}\"\n    expose: [\"{port}\"]\n",
                    service.name
                ));
            }
        }
        text.push_str(&format!(
            "  gateway:\n    environment:\n      CART_URL: {cart_url}\n    ports: [\"127.0.0.1:8080:8080\"]\n"
        ));
        text
    }

    #[test]
    fn a_file_that_matches_the_table_agrees() {
        let result = compose(&file("8102", "http://cart:8103"));
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn a_wrong_port_and_a_wrong_upstream_are_both_named() {
        let message = compose(&file("9102", "http://cart:9103"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.contains("runs catalog on 9102"), "{message}");
        assert!(message.contains("CART_URL=http://cart:9103"), "{message}");
    }

    #[test]
    fn a_missing_service_is_named() {
        let text = file("8102", "http://cart:8103").replace("  reviews:", "  critiques:");
        let message = compose(&text).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("no service `reviews`"), "{message}");
    }

    #[test]
    fn ports_in_every_compose_spelling_are_read() {
        let read = |yaml: &str| service_port(&serde_yaml::from_str(yaml).unwrap_or(Value::Null));
        assert_eq!(read("ports: [\"127.0.0.1:8080:8080\"]"), Some(8080));
        assert_eq!(read("ports: [{target: 8080, published: 80}]"), Some(8080));
        assert_eq!(read("expose: [8101]"), Some(8101));
        assert_eq!(read("environment: [PORT=8103]"), Some(8103));
        assert_eq!(read("image: x"), None);
    }
}
