//! `cargo xtask bench`: measures what users feel, side by side in one run, and writes
//! BENCHMARKS.md. Not a test: these machines are shared and noisy, so we report ratios of
//! runs made back to back rather than absolute pass/fail thresholds.
//!
//! - size of the shell, of each MFE and of each page (wasm + JS glue), gzip -9 and brotli as
//!   served (`bench/sizes.rs`);
//! - one MFE built and published alone against a full web build, after one change each
//!   (`bench/delivery.rs`);
//! - catalog list throughput and p99 at 64 connections, through the gateway, direct, and
//!   through nginx as a reference proxy, with the ratios (wrk, alternating rounds so drift
//!   hits all alike; `bench/reference_proxy.rs`) and each hop's CPU time per request
//!   (`bench/cpu.rs`);
//! - MFE cold mount and route-switch times in headless Chromium, and a switch into an MFE not
//!   loaded yet with and without prefetch (e2e/bench_browser.py);
//! - idle RSS of every service process, and its growth per request over minutes of load with
//!   nothing scraping `/metrics` (`bench/soak.rs`);
//! - sign-in throughput, and the gateway's token check as a ratio against anonymous calls
//!   (`bench/auth.rs`);
//! - a posted review reaching the catalog's copy of ratings, p50/p99 (`bench/ratings.rs`);
//! - the compose stack: image sizes, cold and warm `up`, the catalog list through its gateway
//!   beside the same through the bench stack's (`bench/compose.rs`);
//! - the order saga end to end on SQLite and on PostgreSQL: orders/s completed, lost and
//!   doubled, placing → PAID latency, and each process's CPU time per order with the ceiling
//!   it implies (`bench/orders.rs`);
//! - the product page assembled by the gateway in one call against the three separate calls
//!   for the same data: page latency, pages/s and CPU per page, as ratios (`bench/pages.rs`);
//! - shoppers: `cargo xtask load`'s Locust-style profile for a minute, per step rps, p50,
//!   p99 and errors, and the CPU per request and per paid order (`bench/shoppers.rs`).
//!
//! Ratings and orders drive `bench/load`. `cargo xtask bench <section>…` runs only those
//! sections (sizes, delivery, rss, http, auth, browser, ratings, compose, soak, load, pages,
//! orders) and replaces just them in BENCHMARKS.md. With `BENCH_PREBUILT=1` it runs the
//! binaries already in the target dir instead of building them: a before/after comparison
//! swaps the two builds' binaries in between runs.

use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::path::Path;

use crate::stack::{self, Profile, Stack, StackConfig};
use crate::{cmd, paths, tools, web};

mod auth;
mod compose;
mod cpu;
mod delivery;
mod orders;
mod pages;
mod ratings;
mod reference_proxy;
mod shoppers;
mod sizes;
mod soak;
use contracts::services;

/// Every section, in the order they run.
const SECTIONS: [&str; 12] = [
    "sizes", "delivery", "rss", "http", "auth", "browser", "ratings", "compose", "soak", "load", "pages",
    "orders",
];
/// The sections that measure builds, not a running stack.
const WITHOUT_A_STACK: [&str; 2] = ["sizes", "delivery"];
/// The sections that need the web built now; the others only call the API (the gateway
/// serves whatever `dist/` holds), so naming only those skips trunk and wasm builds.
const NEED_THE_WEB: [&str; 4] = ["sizes", "delivery", "browser", "compose"];

pub(crate) const CONNECTIONS: u32 = 64;
const ROUND_SECONDS: u32 = 8;
pub(crate) const ROUNDS: usize = 3;

/// Runs the `chosen` sections (all when empty) and writes them into BENCHMARKS.md.
pub fn run(chosen: &[String]) -> Result<()> {
    if let Some(unknown) = chosen.iter().find(|c| !SECTIONS.contains(&c.as_str())) {
        bail!(
            "unknown bench section {unknown:?}; sections: {}",
            SECTIONS.join(", ")
        );
    }
    let wanted = |section: &str| chosen.is_empty() || chosen.iter().any(|c| c == section);
    let tools = tools::ensure(tools::Need::Test)?;
    if cmd::works("wrk", &["-v"]).is_none() && !Path::new("/usr/bin/wrk").exists() {
        tools::apt_install(&["wrk"], "wrk for HTTP load")?;
    }
    let needs_web = NEED_THE_WEB.iter().any(|section| wanted(section));
    let build = if needs_web {
        Some(web::build(&tools)?)
    } else {
        None
    };
    let mut report = String::new();
    if let Some(build) = &build {
        if wanted("sizes") {
            sizes::section(build, &mut report)?;
        }
        if wanted("delivery") {
            delivery::measure(&tools, build, &mut report)?;
        }
    }
    if SECTIONS
        .iter()
        .any(|section| !WITHOUT_A_STACK.contains(section) && wanted(section))
    {
        on_a_stack(&tools, &wanted, &mut report)?;
    }
    let path = paths::root().join("BENCHMARKS.md");
    let written = if chosen.is_empty() {
        report.clone()
    } else {
        // Only some sections ran: they replace their namesakes, the rest stay as measured.
        let previous = std::fs::read_to_string(&path).unwrap_or_default();
        let previous = previous.split_once("\n## ").map_or("", |(_, rest)| rest);
        merge_sections(&format!("## {previous}"), &report)
    };
    std::fs::write(&path, document(&written)).context("writing BENCHMARKS.md")?;
    println!("\n{report}\nwrote {}", path.display());
    Ok(())
}

/// Builds the services, and the load drivers (`bench/load`) the chosen sections run, all
/// release-native.
fn build_for_a_stack(wanted: &dyn Fn(&str) -> bool) -> Result<()> {
    stack::build_services(Profile::Release)?;
    if wanted("ratings") || wanted("orders") {
        cmd::run(cmd::new("cargo").args(["build", "--profile", "release-native", "-p", "mercado-load"]))?;
    }
    Ok(())
}

/// The web the bench stack serves: the build in `dist/`, or, where the web was never built
/// and only API sections run, a placeholder page in `work` (the gateway is not ready without
/// an `index.html`, and those sections never load it).
fn web_dir(work: &Path) -> Result<std::path::PathBuf> {
    let dist = paths::dist_dir();
    if dist.join("index.html").is_file() {
        return Ok(dist);
    }
    let placeholder = work.join("web");
    std::fs::create_dir_all(&placeholder).context("creating the bench's placeholder web")?;
    std::fs::write(
        placeholder.join("index.html"),
        "<!doctype html><title>Mercado bench</title><p>The web is not built: API sections do not need it.",
    )
    .context("writing the bench's placeholder page")?;
    Ok(placeholder)
}

/// The sections measured on a release stack started for them (and, for orders, a second one
/// on PostgreSQL).
fn on_a_stack(tools: &tools::Tools, wanted: &dyn Fn(&str) -> bool, report: &mut String) -> Result<()> {
    if std::env::var_os("BENCH_PREBUILT").is_some() {
        // A before/after comparison runs binaries swapped into the target dir by hand.
        println!("==> BENCH_PREBUILT: running the binaries already in the target dir");
    } else {
        build_for_a_stack(wanted)?;
    }

    let work = paths::target_dir().join("bench");
    stack::fresh_dir(&work)?;
    let config = StackConfig {
        gateway_port: 28080,
        port_offset: 20000,
        nats_port: 24222,
        data_dir: work.join("data"),
        web_dir: web_dir(&work)?,
        profile: Profile::Release,
        log_dir: Some(work.join("logs")),
        relaxed_limits: true,
        env: vec![("SANDBOX_AUTO_PAY", "true")],
        database_urls: Vec::new(),
    };
    let mut running = Stack::start(tools, config.clone())?;
    if wanted("rss") {
        idle_rss(&running, report)?;
    }
    if wanted("http") {
        throughput(&config, &running, &work, report)?;
    }
    if wanted("auth") {
        auth::measure(tools, &config, &work, report)?;
    }
    if wanted("browser") {
        browser(tools, &config, report)?;
    }
    if wanted("ratings") {
        ratings::measure(&config, report)?;
    }
    if wanted("compose") {
        compose::measure(tools, &config, &running, report)?;
    }
    if wanted("soak") {
        soak::measure(&config, &running, report)?;
    }
    if wanted("load") {
        shoppers::measure(&config, &running, report)?;
    }
    if wanted("pages") {
        pages::measure(&config, &running, report)?;
    }
    // Last: it leaves thousands of orders behind in the stack.
    if wanted("orders") {
        orders::measure(&config, &running, "SQLite", &[], report)?;
    }
    running.stop();
    if wanted("orders") {
        orders_on_postgres(tools, &config, &work, report)?;
    }

    Ok(())
}

/// The order saga again, in the same run, with every service but the catalog on a throw-away
/// PostgreSQL (one database each) instead of SQLite files: the two tables side by side are
/// the comparison.
fn orders_on_postgres(
    tools: &tools::Tools,
    sqlite: &StackConfig,
    work: &Path,
    report: &mut String,
) -> Result<()> {
    let server = crate::postgres::PostgresCluster::start()?;
    let mut database_urls = Vec::new();
    for service in crate::postgres::on_postgres() {
        database_urls.push((service.name, server.create_database(service.name)?));
    }
    let data_dir = work.join("data-postgres");
    stack::fresh_dir(&data_dir)?;
    let config = StackConfig {
        data_dir,
        database_urls,
        ..sqlite.clone()
    };
    let mut running = Stack::start(tools, config.clone())?;
    let servers = [("postgres (server)", server.pid()?)];
    let measured = orders::measure(&config, &running, "PostgreSQL", &servers, report);
    running.stop();
    measured
}

fn document(report: &str) -> String {
    format!(
        "# Benchmarks\n\nWritten by `cargo xtask bench` (do not edit by hand; `cargo xtask bench <section>` \
         refreshes one section). Measured on the development machine: 2 shared cores, 24 GiB. Absolute \
         numbers move with the neighbours' load; ratios are from rounds run back to back in the same run.\n\n{report}"
    )
}

/// `previous` sections (each starting `## title`) with those of `fresh` put in place of the
/// ones with the same title, and new ones appended.
fn merge_sections(previous: &str, fresh: &str) -> String {
    let split = |text: &str| -> Vec<String> {
        text.split("\n## ")
            .filter(|s| !s.trim().is_empty())
            .map(|s| format!("## {}\n\n", s.trim_start_matches("## ").trim_end()))
            .collect()
    };
    let title = |section: &str| section.lines().next().unwrap_or_default().to_string();
    let fresh = split(fresh);
    let mut merged = split(previous);
    for section in fresh {
        match merged.iter_mut().find(|old| title(old) == title(&section)) {
            Some(old) => *old = section,
            None => merged.push(section),
        }
    }
    merged.concat()
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

fn idle_rss(running: &Stack, report: &mut String) -> Result<()> {
    writeln!(
        report,
        "## Idle memory (VmRSS right after start, before any load)\n"
    )?;
    writeln!(report, "| process | RSS | target |\n|---|---|---|")?;
    for (name, pid) in running.pids() {
        if name == "nats" {
            continue;
        }
        let rss_kb = soak::rss_kb(pid)?;
        writeln!(report, "| {name} | {:.1} MB | ≤ 20 MB |", rss_kb as f64 / 1024.0)?;
    }
    writeln!(report)?;
    Ok(())
}

/// One wrk result.
pub(crate) struct Load {
    pub(crate) rps: f64,
    pub(crate) p99_ms: f64,
    /// Requests completed in the round.
    pub(crate) requests: f64,
}

fn wrk(url: &str) -> Result<Load> {
    wrk_with(url, CONNECTIONS, &[])
}

/// wrk against `url` with `connections` and `extra` arguments (`-H …`, `-s script.lua`).
pub(crate) fn wrk_with(url: &str, connections: u32, extra: &[&str]) -> Result<Load> {
    let out = cmd::output(
        cmd::new("wrk")
            .args([
                "-t2",
                &format!("-c{connections}"),
                &format!("-d{ROUND_SECONDS}s"),
                "--latency",
            ])
            .args(extra)
            .arg(url),
    )?;
    let rps = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .context("wrk printed no Requests/sec")?;
    let p99 = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("99%"))
        .map(|v| parse_wrk_duration(v.trim()))
        .context("wrk printed no 99% latency")??;
    let requests = out
        .lines()
        .find_map(|l| l.trim().split_once(" requests in "))
        .and_then(|(n, _)| n.parse().ok())
        .context("wrk printed no request count")?;
    if out.contains("Non-2xx") {
        bail!("wrk saw error responses from {url}:\n{out}");
    }
    Ok(Load {
        rps,
        p99_ms: p99,
        requests,
    })
}

fn parse_wrk_duration(text: &str) -> Result<f64> {
    let (number, unit) = text.split_at(text.find(|c: char| c.is_alphabetic()).context("unit")?);
    let value: f64 = number.parse()?;
    Ok(match unit {
        "us" => value / 1000.0,
        "ms" => value,
        "s" => value * 1000.0,
        "m" => value * 60_000.0,
        other => bail!("unknown wrk unit {other}"),
    })
}

pub(crate) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// The catalog read the HTTP sections load: a page of 24 in price order.
const CATALOG_QUERY: &str = "/products?page=2&limit=24&sort=price_asc";
/// A search: the catalog never keeps those in memory, so it shows what building a page costs.
const CATALOG_SEARCH: &str = "/products?q=board&limit=24";

fn throughput(config: &StackConfig, running: &Stack, work: &Path, report: &mut String) -> Result<()> {
    let query = CATALOG_QUERY;
    let catalog_port = config.service_port(&services::CATALOG);
    let direct = format!("http://127.0.0.1:{catalog_port}{query}");
    let search = format!("http://127.0.0.1:{catalog_port}{CATALOG_SEARCH}");
    let gateway = format!("{}/api/catalog{query}", config.base_url());
    // The port next to the gateway's is free: services sit at their own offsets.
    let nginx_port = config.gateway_port + 1;
    let nginx_proxy = reference_proxy::ReferenceProxy::start(work, nginx_port, catalog_port)?;
    let nginx = format!("http://127.0.0.1:{nginx_port}/api/catalog{query}");
    let pid = |name: &str| running.pid(name).map(|p| vec![p]);
    let watched: cpu::Watched = vec![
        ("catalog".into(), pid("catalog").context("no catalog process")?),
        ("proxy".into(), pid("gateway").context("no gateway process")?),
    ];
    let nginx_watched: cpu::Watched = vec![
        watched[0].clone(),
        ("proxy".into(), cpu::with_children(nginx_proxy.pid())),
    ];
    println!("==> HTTP load: {ROUNDS} alternating rounds of {ROUND_SECONDS}s at {CONNECTIONS} connections");
    let (mut d, mut g, mut n, mut s) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        s.push(Hop::measure(&search, &watched)?);
        d.push(Hop::measure(&direct, &watched)?);
        g.push(Hop::measure(&gateway, &watched)?);
        n.push(Hop::measure(&nginx, &nginx_watched)?);
    }
    let rps = |hops: &[Hop]| median(hops.iter().map(|h| h.load.rps).collect());
    let (d_rps, g_rps, n_rps) = (rps(&d), rps(&g), rps(&n));
    let proxy_us = |hops: &[Hop]| median(hops.iter().map(|h| h.proxy_us).collect());
    writeln!(report, "## Catalog list throughput (`GET {query}`, {CONNECTIONS} connections, median of {ROUNDS} alternating {ROUND_SECONDS}s rounds)\n")?;
    writeln!(report, "| path | requests/s | p99 | catalog CPU per request | proxy CPU per request |\n|---|---|---|---|---|")?;
    for (path, hops, proxied) in [
        ("direct to catalog", &d, false),
        (
            "direct to catalog, a search (`?q=board`, never kept in memory)",
            &s,
            false,
        ),
        ("through the gateway", &g, true),
        ("through nginx (reference proxy, same hop)", &n, true),
    ] {
        let proxy = if proxied {
            format!("{:.0} µs", proxy_us(hops))
        } else {
            "—".to_string()
        };
        writeln!(
            report,
            "| {path} | {:.0} | {:.2} ms | {:.0} µs | {proxy} |",
            rps(hops),
            median(hops.iter().map(|h| h.load.p99_ms).collect()),
            median(hops.iter().map(|h| h.catalog_us).collect()),
        )?;
    }
    writeln!(
        report,
        "\nThe catalog keeps browse pages and product details serialized in memory and drops them on every \
         rating change (`backend/catalog/src/cache.rs`); the search row is what building a page costs."
    )?;
    writeln!(
        report,
        "\nGateway / direct throughput ratio: **{:.2}** (target ≥ 0.9). For scale, nginx / direct: {:.2}; gateway / nginx: **{:.2}**. \
         The load generator, the proxy and the catalog share the machine's {:.0} cores and all of them are busy, so a hop costs \
         throughput in proportion to its CPU time: the gateway spends {:.2}× the CPU per request that nginx does.\n",
        g_rps / d_rps,
        n_rps / d_rps,
        g_rps / n_rps,
        cpu::cores(),
        proxy_us(&g) / proxy_us(&n).max(f64::EPSILON),
    )?;
    let per_round: Vec<String> = g
        .iter()
        .zip(&n)
        .map(|(g, n)| format!("{:.2}", g.proxy_us / n.proxy_us.max(f64::EPSILON)))
        .collect();
    let p99 = |hops: &[Hop]| median(hops.iter().map(|h| h.load.p99_ms).collect());
    writeln!(
        report,
        "Round by round, the gateway's CPU per request against nginx's: {}; its p99 against nginx's: **{:.2}×** \
         (the gateway's targets: at most 1 and 1.1).\n",
        per_round.join(", "),
        p99(&g) / p99(&n).max(f64::EPSILON),
    )?;
    Ok(())
}

/// One wrk round on one path, with the CPU time per request of the catalog and of the proxy.
struct Hop {
    load: Load,
    catalog_us: f64,
    proxy_us: f64,
}

impl Hop {
    /// Runs wrk against `url` and reads what the `watched` catalog and proxy spent meanwhile.
    fn measure(url: &str, watched: &cpu::Watched) -> Result<Hop> {
        let before = cpu::Snapshot::take(watched);
        let load = wrk(url)?;
        let spent = cpu::Snapshot::take(watched).since(&before);
        let per_request = |name: &str| {
            spent
                .iter()
                .find(|(n, _)| n == name)
                .map_or(0.0, |(_, d)| d.as_secs_f64() * 1e6 / load.requests.max(1.0))
        };
        Ok(Hop {
            catalog_us: per_request("catalog"),
            proxy_us: per_request("proxy"),
            load,
        })
    }
}

fn browser(tools: &tools::Tools, config: &StackConfig, report: &mut String) -> Result<()> {
    println!("==> browser timings in headless Chromium");
    let out = cmd::output(
        cmd::new(tools.python.to_string_lossy().as_ref())
            .arg(paths::root().join("e2e").join("bench_browser.py"))
            .env("BASE_URL", config.base_url()),
    )?;
    let timings: serde_json::Value = serde_json::from_str(out.trim()).context("bench_browser.py output")?;
    writeln!(
        report,
        "## Browser timings (headless Chromium, {} runs each, median / p90)\n",
        timings["runs"]
    )?;
    writeln!(report, "| measure | median | p90 | target |\n|---|---|---|---|")?;
    for (key, label, target) in [
        (
            "coldMount",
            "catalog MFE cold mount (fetch + instantiate + first render)",
            "≤ 300 ms",
        ),
        (
            "coldMountNoPrefetch",
            "… the same with `?prefetch=off` (no idle prefetch beside it)",
            "",
        ),
        (
            "routeSwitch",
            "route switch inside the catalog MFE (click → new grid shown)",
            "≤ 30 ms",
        ),
        (
            "routeSwitchApi",
            "… of it, the catalog API call (fetch issued → answer read)",
            "",
        ),
        (
            "routeSwitchOwn",
            "… of it, the shell's and the MFE's own work (routing, decoding, rendering)",
            "",
        ),
        (
            "mfeSwap",
            "route switch unmounting the MFE (click → shell page shown)",
            "≤ 30 ms",
        ),
        (
            "mfeSwitchCold",
            "switch into an MFE not loaded yet, home → cart (click → cart shown), no prefetch",
            "",
        ),
        (
            "mfeSwitchPrefetched",
            "… the same once a hover prefetched the cart (fetched + compiled)",
            "",
        ),
    ] {
        let m = &timings[key];
        writeln!(
            report,
            "| {label} | {:.1} ms | {:.1} ms | {target} |",
            m["median"].as_f64().unwrap_or(f64::NAN),
            m["p90"].as_f64().unwrap_or(f64::NAN)
        )?;
    }
    writeln!(report, "\n{}\n", timings["note"].as_str().unwrap_or_default())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::merge_sections;

    #[test]
    fn a_fresh_section_replaces_its_namesake_and_new_ones_are_appended() {
        let previous = "## Sizes\n\nold sizes\n\n## Orders\n\nold orders\n";
        let fresh = "## Orders\n\nnew orders\n\n## Ratings\n\nnew ratings\n";
        assert_eq!(
            merge_sections(previous, fresh),
            "## Sizes\n\nold sizes\n\n## Orders\n\nnew orders\n\n## Ratings\n\nnew ratings\n\n"
        );
    }
}
