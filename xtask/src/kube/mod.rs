//! `cargo xtask kube`: proves the Kubernetes manifests in `deploy/k8s/` without a cluster, and
//! makes a developer's dev secrets.
//!
//! - `kube` (or `kube check`), also a stage of `cargo xtask test`: renders each overlay with
//!   `kubectl kustomize` from a copy of the tree given throw-away secrets (after proving it
//!   refuses to render without them), validates every object offline against the Kubernetes
//!   API schemas with PyPI's `kubernetes-validate --strict`, checks what the schemas cannot
//!   (probes, non-root, read-only roots, replicas, HPAs, PDBs, NetworkPolicies, the service
//!   table) and that docker-compose.yml and the compose scrape configuration
//!   (`deploy/prometheus/compose.yml`) agree with `contracts::services` too.
//! - `kube secrets dev`: writes random values for the dev overlay's Secrets into
//!   `deploy/k8s/overlays/dev/secrets/` (git-ignored), keeping the files already there.

mod agree;
mod checks;
mod render;
mod scrape;
mod secrets;

use anyhow::{bail, Result};

use crate::paths;

/// The overlays, each rendered and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    /// One replica each, PostgreSQL as a StatefulSet, generated secrets.
    Dev,
    /// Replicas, HPAs, PDBs, the operator's PostgreSQL and secrets.
    Prod,
}

impl Overlay {
    const ALL: [Overlay; 2] = [Overlay::Dev, Overlay::Prod];

    /// Its folder under `deploy/k8s/overlays/`.
    pub fn name(self) -> &'static str {
        match self {
            Overlay::Dev => "dev",
            Overlay::Prod => "prod",
        }
    }
}

/// `cargo xtask kube [check | secrets dev]`.
pub fn run(args: &[String]) -> Result<()> {
    match args.first().map(String::as_str) {
        None | Some("check") => check(),
        Some("secrets") if args.get(1).map(String::as_str) == Some("dev") => {
            let dir = paths::root().join("deploy/k8s/overlays/dev/secrets");
            let written = secrets::write(&dir, Overlay::Dev)?;
            println!(
                "  {} new secret file(s) in {} (existing ones kept)",
                written,
                dir.display()
            );
            Ok(())
        }
        Some("secrets") => {
            bail!("only `kube secrets dev`: prod's secrets are the operator's (deploy/k8s/README.md)")
        }
        Some(other) => bail!("unknown `kube {other}`; usage: cargo xtask kube [check | secrets dev]"),
    }
}

/// The suite's Kubernetes stage: every overlay renders, validates and passes the checks, and
/// compose agrees with the service table.
pub fn check() -> Result<()> {
    let kubectl = render::kubectl()?;
    let validator = render::validator()?;
    let tree = render::stage_tree()?;
    for overlay in Overlay::ALL {
        render::refuses_without_secrets(&kubectl, &tree, overlay)?;
        secrets::write(
            &tree.join("overlays").join(overlay.name()).join("secrets"),
            overlay,
        )?;
        let file = render::render(&kubectl, &tree, overlay)?;
        render::validate(&validator, &file)?;
        let objects = render::parse(&file)?;
        checks::overlay(overlay, &objects)?;
        println!(
            "  ✓ {}: {} objects render, validate (--strict) and pass the checks",
            overlay.name(),
            objects.len()
        );
    }
    let compose = paths::root().join("docker-compose.yml");
    let text = std::fs::read_to_string(&compose)
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", compose.display()))?;
    agree::compose(&text)?;
    let scrape = paths::root().join("deploy/prometheus/compose.yml");
    let text =
        std::fs::read_to_string(&scrape).map_err(|e| anyhow::anyhow!("reading {}: {e}", scrape.display()))?;
    scrape::compose_jobs(&text)?;
    println!(
        "  ✓ docker-compose.yml, deploy/prometheus/compose.yml and both overlays agree with contracts::services ({} services + gateway)",
        contracts::services::ALL.len()
    );
    Ok(())
}
