//! The compose stack measured: image sizes, a cold `up` (every image removed first, binaries
//! current) and a warm one (after `down`), and the catalog list's throughput through the
//! compose gateway beside the same request through the bench stack's gateway (`xtask up`'s
//! processes on the host), alternating rounds in one run. Its own compose project, with the
//! gateway's per-client limits lifted (wrk is one client), ended by `down -v`.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::{cpu, median, Hop, CONNECTIONS, ROUNDS};
use crate::compose::{self, Compose};
use crate::stack::{Stack, StackConfig};
use crate::{cmd, tools};

/// The bench's compose project: never the demo's containers or volumes.
const PROJECT: &str = "mercado-bench";
/// The request of the HTTP section, through both gateways.
const QUERY: &str = "/api/catalog/products?page=2&limit=24&sort=price_asc";

/// Measures the compose stack beside `running` (the bench stack) and adds the section.
pub fn measure(
    tools: &tools::Tools,
    config: &StackConfig,
    running: &Stack,
    report: &mut String,
) -> Result<()> {
    let compose = Compose::ready(PROJECT)?
        .with_env("RATE_LIMIT_PER_SECOND", "1000000")
        .with_env("RATE_LIMIT_BURST", "1000000");
    let measured = measure_on(tools, &compose, config, running, report);
    let down = compose.run(&["down", "-v", "--remove-orphans"]);
    measured.and(down)
}

fn measure_on(
    tools: &tools::Tools,
    compose: &Compose,
    config: &StackConfig,
    running: &Stack,
    report: &mut String,
) -> Result<()> {
    compose.run(&["down", "-v", "--remove-orphans"])?;
    compose::remove_images()?;
    println!("==> compose: a cold `up` (no image, binaries current)");
    let cold = timed(|| compose::up(compose, tools))?;
    compose.run(&["down"])?;
    println!("==> compose: a warm `up` after `down`");
    let warm = timed(|| compose::up(compose, tools))?;
    let sizes = compose::image_sizes()?;

    let host_gateway = running.pid("gateway").context("the bench stack has no gateway")?;
    let host_catalog = running.pid("catalog").context("the bench stack has no catalog")?;
    let host_watched: cpu::Watched = vec![
        ("catalog".into(), vec![host_catalog]),
        ("proxy".into(), vec![host_gateway]),
    ];
    let compose_watched: cpu::Watched = vec![
        ("catalog".into(), container_pids(compose, "catalog")?),
        ("proxy".into(), container_pids(compose, "gateway")?),
    ];
    let host_url = format!("{}{QUERY}", config.base_url());
    let compose_url = format!("http://127.0.0.1:{}{QUERY}", contracts::services::GATEWAY_PORT);
    println!("==> compose: catalog list, {ROUNDS} alternating rounds through each gateway");
    let (mut host, mut contained) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        host.push(Hop::measure(&host_url, &host_watched)?);
        contained.push(Hop::measure(&compose_url, &compose_watched)?);
    }
    let rps = |hops: &[Hop]| median(hops.iter().map(|h| h.load.rps).collect());
    let us = |hops: &[Hop], f: fn(&Hop) -> f64| median(hops.iter().map(f).collect());

    writeln!(
        report,
        "## The compose stack (`cargo xtask compose up`: PostgreSQL, 2 replicas of every service)\n"
    )?;
    writeln!(
        report,
        "Cold `up` (every image removed first, binaries current): **{:.0} s**; warm `up` after \
         `down`: **{:.0} s** (both include the musl build's no-op check, staging, image builds, \
         the web copy and waiting until every replica is ready).\n",
        cold.as_secs_f64(),
        warm.as_secs_f64()
    )?;
    writeln!(report, "| image | size |\n|---|---|")?;
    for (image, bytes) in &sizes {
        writeln!(report, "| {image} | {:.1} MB |", *bytes as f64 / 1e6)?;
    }
    writeln!(
        report,
        "\nCatalog list `GET {QUERY}`, {CONNECTIONS} connections, median of {ROUNDS} alternating \
         rounds: through the compose gateway (Docker's port proxy, the bridge network, two catalog \
         replicas) and through the bench stack's gateway on the host (one catalog), same machine, \
         same run.\n"
    )?;
    writeln!(
        report,
        "| path | requests/s | p99 | catalog CPU per request | gateway CPU per request |\n|---|---|---|---|---|"
    )?;
    for (path, hops) in [("compose stack", &contained), ("`xtask up` processes", &host)] {
        writeln!(
            report,
            "| {path} | {:.0} | {:.2} ms | {:.0} µs | {:.0} µs |",
            rps(hops),
            median(hops.iter().map(|h| h.load.p99_ms).collect()),
            us(hops, |h| h.catalog_us),
            us(hops, |h| h.proxy_us),
        )?;
    }
    writeln!(
        report,
        "\nCompose / host throughput ratio: **{:.2}**.\n",
        rps(&contained) / rps(&host).max(f64::EPSILON)
    )?;
    Ok(())
}

/// How long `work` took.
fn timed(work: impl FnOnce() -> Result<()>) -> Result<Duration> {
    let started = Instant::now();
    work()?;
    Ok(started.elapsed())
}

/// The host process ids of every container of `service` (the replicas' main processes).
fn container_pids(compose: &Compose, service: &str) -> Result<Vec<u32>> {
    let mut pids = Vec::new();
    for id in compose.containers(service)? {
        let out = cmd::output(cmd::new("docker").args(["inspect", "-f", "{{.State.Pid}}", &id]))?;
        pids.push(
            out.trim()
                .parse()
                .with_context(|| format!("docker said {out:?} for {id}'s pid"))?,
        );
    }
    Ok(pids)
}
