//! What the API schemas cannot say about a rendered overlay: that every service of
//! `contracts::services` (and the gateway) is deployed on its port with its probes, non-root
//! on a read-only root, with resources and the env that wires it; that only the gateway is
//! open to the outside; and each overlay's own promises (dev: one replica and an in-cluster
//! PostgreSQL; prod: 2+ replicas, an HPA and a PDB for every Deployment, no in-cluster
//! database). Every problem is listed, not only the first.

use anyhow::{bail, Result};
use contracts::services::{self, GATEWAY_PORT};
use serde_yaml::Value;

use super::Overlay;

/// The container user every Mercado image runs as (the Dockerfiles' `USER 10001`).
const UID: u64 = 10001;
/// The in-cluster address of NATS every workload is given.
const NATS_URL: &str = "nats://nats:4222";

/// Name and port of every workload that must be deployed: the services, then the gateway.
pub fn workloads() -> Vec<(&'static str, u16)> {
    let mut all: Vec<_> = services::ALL.iter().map(|s| (s.name, s.default_port)).collect();
    all.push(("gateway", GATEWAY_PORT));
    all
}

/// All checks on one rendered overlay.
pub fn overlay(overlay: Overlay, objects: &[Value]) -> Result<()> {
    let mut problems = Vec::new();
    for (name, port) in workloads() {
        workload(objects, name, port, &mut problems);
    }
    for deployment in of_kind(objects, "Deployment") {
        let name = text(deployment, &["metadata", "name"]);
        if !workloads().iter().any(|(n, _)| *n == name) {
            problems.push(format!(
                "Deployment {name} is not a service in contracts::services"
            ));
        }
    }
    gateway_upstreams(objects, &mut problems);
    databases(objects, &mut problems);
    payments(objects, &mut problems);
    nats(objects, &mut problems);
    network_policies(objects, &mut problems);
    ingress(objects, &mut problems);
    match overlay {
        Overlay::Dev => dev(objects, &mut problems),
        Overlay::Prod => prod(objects, &mut problems),
    }
    report(overlay.name(), problems)
}

fn report(what: &str, problems: Vec<String>) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    bail!(
        "{what}: {} problem(s):\n  - {}",
        problems.len(),
        problems.join("\n  - ")
    )
}

/// One service's Deployment and Service.
fn workload(objects: &[Value], name: &str, port: u16, problems: &mut Vec<String>) {
    let Some(deployment) = find(objects, "Deployment", name) else {
        problems.push(format!("no Deployment {name}"));
        return;
    };
    let pod = at(deployment, &["spec", "template", "spec"]);
    let Some(container) = first(at(pod, &["containers"])) else {
        problems.push(format!("Deployment {name} has no container"));
        return;
    };
    let mut say = |what: String| problems.push(format!("{name}: {what}"));
    let http = seq(at(container, &["ports"]))
        .iter()
        .find(|p| text(p, &["name"]) == "http")
        .map(|p| number(p, &["containerPort"]));
    if http != Some(Some(u64::from(port))) {
        say(format!("container port `http` is {http:?}, contracts say {port}"));
    }
    let env = env_values(container);
    expect_env(&env, "PORT", &port.to_string(), &mut say);
    expect_env(&env, "HOST", "0.0.0.0", &mut say);
    expect_env(&env, "NATS_URL", NATS_URL, &mut say);
    for (probe, path) in [("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")] {
        let get = at(container, &[probe, "httpGet"]);
        let on_http = text(get, &["port"]) == "http" || number(get, &["port"]) == Some(u64::from(port));
        if text(get, &["path"]) != path || !on_http {
            say(format!("{probe} must GET {path} on the service port"));
        }
    }
    if at(pod, &["securityContext", "runAsNonRoot"]).as_bool() != Some(true)
        || number(pod, &["securityContext", "runAsUser"]) != Some(UID)
    {
        say(format!("the pod must run as non-root uid {UID}"));
    }
    let security = at(container, &["securityContext"]);
    if at(security, &["readOnlyRootFilesystem"]).as_bool() != Some(true)
        || at(security, &["allowPrivilegeEscalation"]).as_bool() != Some(false)
    {
        say("the container needs a read-only root and no privilege escalation".into());
    }
    for side in ["requests", "limits"] {
        for resource in ["cpu", "memory"] {
            if at(container, &["resources", side, resource]).is_null() {
                say(format!("no resources.{side}.{resource}"));
            }
        }
    }
    if let Some(Some(dir)) = env.iter().find(|(k, _)| k == "DATA_DIR").map(|(_, v)| v.clone()) {
        if !mounted_empty_dir(pod, container, &dir) {
            say(format!(
                "DATA_DIR {dir} is not an emptyDir mount (the root is read-only)"
            ));
        }
    }
    let selector = text(
        deployment,
        &["spec", "selector", "matchLabels", "app.kubernetes.io/name"],
    );
    match find(objects, "Service", name) {
        None => say("no Service".into()),
        Some(service) => {
            let ports: Vec<_> = seq(at(service, &["spec", "ports"]))
                .iter()
                .filter_map(|p| number(p, &["port"]))
                .collect();
            if ports != [u64::from(port)] {
                say(format!("Service ports {ports:?}, contracts say {port}"));
            }
            if text(service, &["spec", "selector", "app.kubernetes.io/name"]) != selector {
                say("the Service does not select the Deployment's pods".into());
            }
        }
    }
}

fn expect_env(env: &[(String, Option<String>)], key: &str, wanted: &str, say: &mut impl FnMut(String)) {
    match env.iter().find(|(k, _)| k == key) {
        Some((_, Some(value))) if value == wanted => {}
        other => say(format!(
            "env {key} is {:?}, expected {wanted:?}",
            other.map(|(_, v)| v)
        )),
    }
}

fn mounted_empty_dir(pod: &Value, container: &Value, path: &str) -> bool {
    let Some(mount) = seq(at(container, &["volumeMounts"]))
        .iter()
        .find(|m| text(m, &["mountPath"]) == path)
    else {
        return false;
    };
    let volume = text(mount, &["name"]);
    seq(at(pod, &["volumes"]))
        .iter()
        .any(|v| text(v, &["name"]) == volume && !at(v, &["emptyDir"]).is_null())
}

/// The gateway reaches each service at `http://<name>:<port>`, and serves the web.
fn gateway_upstreams(objects: &[Value], problems: &mut Vec<String>) {
    let Some(container) = find(objects, "Deployment", "gateway")
        .and_then(|d| first(at(d, &["spec", "template", "spec", "containers"])))
    else {
        return;
    };
    let env = env_values(container);
    let mut say = |what: String| problems.push(format!("gateway: {what}"));
    for service in services::ALL {
        let key = format!("{}_URL", service.name.to_uppercase());
        let wanted = format!("http://{}:{}", service.name, service.default_port);
        expect_env(&env, &key, &wanted, &mut say);
    }
    if !env.iter().any(|(k, v)| k == "WEB_DIR" && v.is_some()) {
        say("no WEB_DIR".into());
    }
}

/// The services on PostgreSQL take DATABASE_URL from their own key of the mercado-db Secret.
fn databases(objects: &[Value], problems: &mut Vec<String>) {
    for (name, _) in workloads() {
        let Some(container) = find(objects, "Deployment", name)
            .and_then(|d| first(at(d, &["spec", "template", "spec", "containers"])))
        else {
            continue;
        };
        let from_secret = secret_ref(container, "DATABASE_URL");
        // Their DATABASE_URL is their own role's DSN from the `mercado-db` Secret.
        if crate::postgres::on_postgres().any(|s| s.name == name) {
            let key = format!("{name}-url");
            match from_secret {
                Some((secret, k)) if secret.starts_with("mercado-db") && k == key => {
                    if !secret_has(objects, &secret, &key) {
                        problems.push(format!("{name}: Secret {secret} has no key {key}"));
                    }
                }
                other => problems.push(format!(
                    "{name}: DATABASE_URL must come from Secret mercado-db key {key}, is {other:?}"
                )),
            }
        } else if env_values(container).iter().any(|(k, _)| k == "DATABASE_URL") {
            problems.push(format!("{name}: has a DATABASE_URL but is not on PostgreSQL"));
        }
    }
}

/// Payments' webhook secret comes from a Secret, and the provider is named.
fn payments(objects: &[Value], problems: &mut Vec<String>) {
    let Some(container) = find(objects, "Deployment", "payments")
        .and_then(|d| first(at(d, &["spec", "template", "spec", "containers"])))
    else {
        return;
    };
    match secret_ref(container, "WEBHOOK_SECRET") {
        Some((secret, key)) if secret_has(objects, &secret, &key) => {}
        other => problems.push(format!(
            "payments: WEBHOOK_SECRET must come from an existing Secret key, is {other:?}"
        )),
    }
    if !env_values(container)
        .iter()
        .any(|(k, _)| k == "PAYMENTS_PROVIDER")
    {
        problems.push("payments: no PAYMENTS_PROVIDER".into());
    }
}

/// A 3-node JetStream cluster behind the `nats` Service on 4222, and every service keeping
/// its streams in as many copies as there are nodes (`JETSTREAM_REPLICAS`), so that the
/// saga's events outlive a node.
fn nats(objects: &[Value], problems: &mut Vec<String>) {
    match find(objects, "StatefulSet", "nats") {
        Some(set) if number(set, &["spec", "replicas"]) == Some(3) => {}
        _ => problems.push("no 3-replica StatefulSet nats".into()),
    }
    for service in services::ALL {
        let container = find(objects, "Deployment", service.name)
            .and_then(|d| first(at(d, &["spec", "template", "spec", "containers"])));
        if let Some(container) = container {
            let mut say = |what: String| problems.push(format!("{}: {what}", service.name));
            expect_env(&env_values(container), "JETSTREAM_REPLICAS", "3", &mut say);
        }
    }
    let config = find(objects, "ConfigMap", "nats-config")
        .map(|c| text(c, &["data", "nats.conf"]))
        .unwrap_or_default();
    if !config.contains("jetstream") || !config.contains("cluster") {
        problems.push("nats-config does not enable JetStream in a cluster".into());
    }
    let port = find(objects, "Service", "nats")
        .and_then(|s| first(at(s, &["spec", "ports"])))
        .and_then(|p| number(p, &["port"]));
    if port != Some(4222) {
        problems.push(format!("Service nats listens on {port:?}, NATS_URL says 4222"));
    }
}

/// Ingress is denied by default; the only rules open beyond the namespace's own pods select
/// the gateway; each service admits the gateway on its port.
fn network_policies(objects: &[Value], problems: &mut Vec<String>) {
    let policies = of_kind(objects, "NetworkPolicy");
    let denies_all = policies.iter().any(|p| {
        at(p, &["spec", "podSelector"])
            .as_mapping()
            .is_none_or(|m| m.is_empty())
            && seq(at(p, &["spec", "policyTypes"]))
                .iter()
                .any(|t| t.as_str() == Some("Ingress"))
            && seq(at(p, &["spec", "ingress"])).is_empty()
    });
    if !denies_all {
        problems.push("no NetworkPolicy denying all ingress by default".into());
    }
    for policy in &policies {
        let selected = text(
            policy,
            &["spec", "podSelector", "matchLabels", "app.kubernetes.io/name"],
        );
        for rule in seq(at(policy, &["spec", "ingress"])) {
            let peers = seq(at(rule, &["from"]));
            let open = peers.is_empty()
                || peers
                    .iter()
                    .any(|p| !at(p, &["ipBlock"]).is_null() || !at(p, &["namespaceSelector"]).is_null());
            if open && selected != "gateway" {
                problems.push(format!(
                    "NetworkPolicy {} opens {} beyond the namespace: only the gateway may be",
                    text(policy, &["metadata", "name"]),
                    if selected.is_empty() {
                        "every pod".to_string()
                    } else {
                        selected.clone()
                    }
                ));
            }
        }
    }
    for service in services::ALL {
        let admitted = policies.iter().any(|p| {
            text(
                p,
                &["spec", "podSelector", "matchLabels", "app.kubernetes.io/name"],
            ) == service.name
                && seq(at(p, &["spec", "ingress"])).iter().any(|rule| {
                    seq(at(rule, &["from"])).iter().any(|peer| {
                        text(peer, &["podSelector", "matchLabels", "app.kubernetes.io/name"]) == "gateway"
                    }) && seq(at(rule, &["ports"]))
                        .iter()
                        .any(|port| number(port, &["port"]) == Some(u64::from(service.default_port)))
                })
        });
        if !admitted {
            problems.push(format!(
                "no NetworkPolicy lets the gateway reach {} on {}",
                service.name, service.default_port
            ));
        }
    }
}

/// The Ingress sends everything to the gateway.
fn ingress(objects: &[Value], problems: &mut Vec<String>) {
    let ingresses = of_kind(objects, "Ingress");
    let backends: Vec<(String, Option<u64>)> = ingresses
        .iter()
        .flat_map(|i| seq(at(i, &["spec", "rules"])))
        .flat_map(|r| seq(at(r, &["http", "paths"])))
        .map(|p| {
            let service = at(p, &["backend", "service"]);
            (text(service, &["name"]), number(service, &["port", "number"]))
        })
        .collect();
    let to_gateway =
        |(name, port): &(String, Option<u64>)| name == "gateway" && *port == Some(u64::from(GATEWAY_PORT));
    if backends.is_empty() || !backends.iter().all(to_gateway) {
        problems.push(format!(
            "the Ingress must route only to gateway:{GATEWAY_PORT}, routes {backends:?}"
        ));
    }
}

fn dev(objects: &[Value], problems: &mut Vec<String>) {
    for deployment in of_kind(objects, "Deployment") {
        if number(deployment, &["spec", "replicas"]) != Some(1) {
            problems.push(format!(
                "dev: {} must run one replica",
                text(deployment, &["metadata", "name"])
            ));
        }
    }
    if find(objects, "StatefulSet", "postgres").is_none() {
        problems.push("dev: no StatefulSet postgres".into());
    }
}

fn prod(objects: &[Value], problems: &mut Vec<String>) {
    for deployment in of_kind(objects, "Deployment") {
        let name = text(deployment, &["metadata", "name"]);
        if number(deployment, &["spec", "replicas"]).unwrap_or(0) < 2 {
            problems.push(format!("prod: {name} must start with 2+ replicas"));
        }
        let scaled = of_kind(objects, "HorizontalPodAutoscaler").iter().any(|h| {
            text(h, &["spec", "scaleTargetRef", "kind"]) == "Deployment"
                && text(h, &["spec", "scaleTargetRef", "name"]) == name
                && number(h, &["spec", "minReplicas"]).unwrap_or(0) >= 2
        });
        if !scaled {
            problems.push(format!(
                "prod: no HorizontalPodAutoscaler from 2 replicas for {name}"
            ));
        }
        let budget = of_kind(objects, "PodDisruptionBudget")
            .iter()
            .any(|b| text(b, &["spec", "selector", "matchLabels", "app.kubernetes.io/name"]) == name);
        if !budget {
            problems.push(format!("prod: no PodDisruptionBudget for {name}"));
        }
    }
    if find(objects, "StatefulSet", "postgres").is_some() {
        problems.push("prod: PostgreSQL is the operator's (DSNs in mercado-db), not a StatefulSet".into());
    }
}

// ---- reading the objects ----

fn of_kind<'a>(objects: &'a [Value], kind: &str) -> Vec<&'a Value> {
    objects.iter().filter(|o| text(o, &["kind"]) == kind).collect()
}

fn find<'a>(objects: &'a [Value], kind: &str, name: &str) -> Option<&'a Value> {
    objects
        .iter()
        .find(|o| text(o, &["kind"]) == kind && text(o, &["metadata", "name"]) == name)
}

static NULL: Value = Value::Null;

/// The value at `path`, or null.
fn at<'a>(value: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(value, |v, key| v.get(*key).unwrap_or(&NULL))
}

fn text(value: &Value, path: &[&str]) -> String {
    at(value, path).as_str().unwrap_or_default().to_string()
}

fn number(value: &Value, path: &[&str]) -> Option<u64> {
    at(value, path).as_u64()
}

fn seq(value: &Value) -> &[Value] {
    value.as_sequence().map(Vec::as_slice).unwrap_or_default()
}

fn first(value: &Value) -> Option<&Value> {
    seq(value).first()
}

/// The container's env as (name, literal value or None when it comes from elsewhere).
fn env_values(container: &Value) -> Vec<(String, Option<String>)> {
    seq(at(container, &["env"]))
        .iter()
        .map(|e| (text(e, &["name"]), at(e, &["value"]).as_str().map(str::to_string)))
        .collect()
}

/// The (Secret, key) an env var is read from.
fn secret_ref(container: &Value, key: &str) -> Option<(String, String)> {
    seq(at(container, &["env"]))
        .iter()
        .find(|e| text(e, &["name"]) == key)
        .map(|e| at(e, &["valueFrom", "secretKeyRef"]))
        .filter(|r| !r.is_null())
        .map(|r| (text(r, &["name"]), text(r, &["key"])))
}

fn secret_has(objects: &[Value], secret: &str, key: &str) -> bool {
    find(objects, "Secret", secret).is_some_and(|s| !at(s, &["data", key]).is_null())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::render::parse_documents;

    /// A minimal gateway-and-catalog world, each check's failure shown by breaking it.
    fn catalog(port: u16, read_only: bool, from: &str) -> Vec<Value> {
        let text = format!(
            r#"
kind: Deployment
metadata: {{name: catalog}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app.kubernetes.io/name: catalog}}}}
  template:
    spec:
      securityContext: {{runAsNonRoot: true, runAsUser: 10001}}
      containers:
        - name: catalog
          ports: [{{name: http, containerPort: {port}}}]
          env:
            - {{name: PORT, value: "{port}"}}
            - {{name: HOST, value: 0.0.0.0}}
            - {{name: NATS_URL, value: "nats://nats:4222"}}
            - {{name: DATA_DIR, value: /data}}
          readinessProbe: {{httpGet: {{path: /readyz, port: http}}}}
          livenessProbe: {{httpGet: {{path: /healthz, port: http}}}}
          securityContext: {{readOnlyRootFilesystem: {read_only}, allowPrivilegeEscalation: false}}
          resources: {{requests: {{cpu: 1m, memory: 1Mi}}, limits: {{cpu: 1m, memory: 1Mi}}}}
          volumeMounts: [{{name: data, mountPath: /data}}]
      volumes: [{{name: data, emptyDir: {{}}}}]
---
kind: Service
metadata: {{name: catalog}}
spec:
  selector: {{app.kubernetes.io/name: catalog}}
  ports: [{{port: 8102}}]
---
kind: NetworkPolicy
metadata: {{name: catalog-from-gateway}}
spec:
  podSelector: {{matchLabels: {{app.kubernetes.io/name: catalog}}}}
  ingress:
    - from: [{from}]
      ports: [{{port: 8102}}]
"#
        );
        parse_documents(&text).unwrap_or_default()
    }

    const GATEWAY_PEER: &str = "{podSelector: {matchLabels: {app.kubernetes.io/name: gateway}}}";

    fn workload_problems(objects: &[Value]) -> Vec<String> {
        let mut problems = Vec::new();
        workload(objects, "catalog", 8102, &mut problems);
        problems
    }

    #[test]
    fn a_workload_as_the_contracts_say_passes() {
        let objects = catalog(8102, true, GATEWAY_PEER);
        assert_eq!(objects.len(), 3);
        assert_eq!(workload_problems(&objects), Vec::<String>::new());
    }

    #[test]
    fn a_port_that_disagrees_with_the_contracts_is_named() {
        let problems = workload_problems(&catalog(9999, true, GATEWAY_PEER));
        assert!(
            problems.iter().any(|p| p.contains("container port")),
            "{problems:?}"
        );
        assert!(problems.iter().any(|p| p.contains("env PORT")), "{problems:?}");
    }

    #[test]
    fn a_writable_root_is_refused() {
        let problems = workload_problems(&catalog(8102, false, GATEWAY_PEER));
        assert!(
            problems.iter().any(|p| p.contains("read-only root")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_service_keeping_one_copy_of_its_streams_on_the_cluster_is_named() {
        let mut problems = Vec::new();
        nats(&catalog(8102, true, GATEWAY_PEER), &mut problems);
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("catalog:") && p.contains("JETSTREAM_REPLICAS")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_service_open_beyond_the_namespace_is_refused() {
        let mut problems = Vec::new();
        network_policies(&catalog(8102, true, "{namespaceSelector: {}}"), &mut problems);
        assert!(
            problems.iter().any(|p| p.contains("opens catalog")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("denying all ingress")),
            "{problems:?}"
        );
    }
}
