//! The bench's soak check: minutes of catalog reads through the gateway with nothing
//! scraping `/metrics`, sampling every process's RSS between rounds. Memory that grows with
//! traffic shows as bytes per request; flat is the target (issue 17: an unscraped recorder
//! once kept every histogram sample, ≈ 17 bytes a request).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::stack::{Stack, StackConfig};

/// How long the load runs, unless `BENCH_SOAK_SECONDS` says otherwise.
const DEFAULT_SECONDS: u64 = 180;

/// Runs the soak and writes its table into `report`.
pub fn measure(config: &StackConfig, running: &Stack, report: &mut String) -> Result<()> {
    let seconds = std::env::var("BENCH_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SECONDS);
    println!("==> soak: {seconds} s of catalog reads through the gateway, nothing scraping");
    let url = format!("{}/api/catalog{}", config.base_url(), super::CATALOG_QUERY);
    // The first round warms caches and pools: growth is counted from its end.
    super::wrk(&url)?;
    let started = Instant::now();
    // (requests served so far, every process's RSS), after each round.
    let mut samples = vec![(0.0, sample(running)?)];
    let mut requests = 0.0;
    while started.elapsed() < Duration::from_secs(seconds) {
        requests += super::wrk(&url)?.requests;
        samples.push((requests, sample(running)?));
    }
    // Heaps grow to a working size first; what still grows in the second half is a leak.
    let (first_requests, first) = &samples[0];
    let (half_requests, half) = &samples[samples.len() / 2];
    let (last_requests, last) = &samples[samples.len() - 1];
    let second_half = (last_requests - half_requests).max(1.0);

    // The title stays the same from run to run: a later run replaces this section by it.
    writeln!(
        report,
        "## Soak (catalog reads through the gateway, nothing scraping `/metrics`)\n"
    )?;
    writeln!(
        report,
        "{:.0} s, {:.0} requests after a warm-up round; RSS sampled after every {} s round.\n",
        started.elapsed().as_secs_f64(),
        requests - first_requests,
        super::ROUND_SECONDS
    )?;
    writeln!(
        report,
        "| process | RSS after warm-up | at half time | at the end | growth per request, second half | target |"
    )?;
    writeln!(report, "|---|---|---|---|---|---|")?;
    for (((name, at_start), (_, at_half)), (_, at_end)) in first.iter().zip(half).zip(last) {
        let per_request = (*at_end as f64 - *at_half as f64) * 1024.0 / second_half;
        writeln!(
            report,
            "| {name} | {} | {} | {} | {per_request:.2} B | flat (≈ 0) |",
            mb(*at_start),
            mb(*at_half),
            mb(*at_end)
        )?;
    }
    writeln!(report)?;
    Ok(())
}

fn mb(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 / 1024.0)
}

/// Every process's VmRSS in KiB, NATS excepted (not ours).
fn sample(running: &Stack) -> Result<Vec<(String, u64)>> {
    running
        .pids()
        .into_iter()
        .filter(|(name, _)| name != "nats")
        .map(|(name, pid)| Ok((name, rss_kb(pid)?)))
        .collect()
}

/// VmRSS of process `pid`, in KiB.
pub fn rss_kb(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .context("VmRSS")
}
