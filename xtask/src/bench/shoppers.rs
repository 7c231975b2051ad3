//! Shoppers on the bench stack: a short run of `cargo xtask load` (20 shoppers for a minute,
//! think 0–200 ms: busy, not saturating), its summary per step, and the CPU time each process
//! spent per request and per paid order meanwhile — what a mixed shopping load costs, beside
//! the single-purpose sections (catalog reads, sign-ins, the saga alone).

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::{Context, Result};

use super::cpu::{self, Snapshot, Watched};
use crate::load::{self, Options, Report, ThinkTime};
use crate::stack::{Stack, StackConfig};

/// Shoppers at once unless `BENCH_LOAD_USERS` says otherwise.
const USERS: usize = 20;
/// Seconds of shopping unless `BENCH_LOAD_SECONDS` says otherwise.
const SECONDS: u64 = 60;
/// The process that generates the load: this very xtask.
const DRIVER: &str = "load generator (this xtask, unoptimised)";

/// Runs the profile against `config`'s stack (`running`) and adds its tables to `report`.
pub fn measure(config: &StackConfig, running: &Stack, report: &mut String) -> Result<()> {
    let options = Options {
        users: env_or("BENCH_LOAD_USERS", USERS)?,
        duration: Duration::from_secs(env_or("BENCH_LOAD_SECONDS", SECONDS)?),
        think: ThinkTime::between_ms(0, 200),
        target: config.base_url(),
        // The bench's sandbox pays every session at once (SANDBOX_AUTO_PAY): a Decline
        // pressed after it would change nothing.
        decline_percent: 0,
        seed: Some(18),
    };
    println!(
        "==> shoppers: {} for {} s, think {}",
        options.users,
        options.duration.as_secs(),
        options.think.describe()
    );
    let mut watched: Watched = running
        .pids()
        .into_iter()
        .map(|(name, pid)| (name, vec![pid]))
        .collect();
    watched.push((DRIVER.into(), vec![std::process::id()]));
    let (run, spent) = load::block_on(async {
        let prepared = load::prepare(&options).await?;
        let before = Snapshot::take(&watched);
        let run = prepared.run().await?;
        anyhow::Ok((run, Snapshot::take(&watched).since(&before)))
    })??;
    println!("{}", run.text());
    write_section(&run, &spent, report)
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    match std::env::var(name) {
        Ok(value) => value.parse().with_context(|| format!("{name}={value:?}")),
        Err(_) => Ok(default),
    }
}

fn write_section(run: &Report, spent: &[(String, Duration)], report: &mut String) -> Result<()> {
    writeln!(
        report,
        "## Shoppers: the Locust-style profile through the gateway (`cargo xtask load`)\n\n\
         {} signed-in shoppers for {} s, each drawing tasks by Online Boutique's weights — home 1, \
         search 2, product page 10 (product, reviews, stock), add to cart 2, cart 3, checkout 1 \
         (review, place with an idempotency key, the sandbox's pay button, follow the order to \
         PAID) — with {} of think time between. One row per kind of request; \"placed → \
         settled\" is the saga seen from the shopper (this stack's sandbox pays at once).\n\n{}\n",
        run.options.users,
        run.options.duration.as_secs(),
        run.options.think.describe(),
        run.headline(),
    )?;
    writeln!(report, "{}", load::markdown_table(&run.rows))?;
    cpu_table(run, spent, report)
}

/// CPU per request and per paid order, by process; the stack's total apart from the driver.
fn cpu_table(run: &Report, spent: &[(String, Duration)], report: &mut String) -> Result<()> {
    let requests = run.requests.max(1) as f64;
    let paid = run.orders[1].max(1) as f64;
    let stack: f64 = spent
        .iter()
        .filter(|(name, _)| name != DRIVER)
        .map(|(_, d)| d.as_secs_f64())
        .sum();
    writeln!(
        report,
        "CPU time over the shopping (user + system, all threads), per request and per paid order. \
         The stack spent **{:.0} µs per request** and **{:.1} ms per paid order** with everything \
         a shopper does around it; {:.0} cores fully busy would serve at most {:.0} requests/s of \
         this mix.\n",
        stack * 1e6 / requests,
        stack * 1e3 / paid,
        cpu::cores(),
        cpu::cores() * requests / stack.max(f64::EPSILON),
    )?;
    writeln!(
        report,
        "| process | CPU s | µs per request | ms per paid order |\n|---|---|---|---|"
    )?;
    for (name, d) in spent.iter().filter(|(_, d)| !d.is_zero()) {
        let s = d.as_secs_f64();
        writeln!(
            report,
            "| {name} | {s:.2} | {:.0} | {:.2} |",
            s * 1e6 / requests,
            s * 1e3 / paid
        )?;
    }
    writeln!(
        report,
        "| **the stack (without the generator)** | **{stack:.2}** | **{:.0}** | **{:.2}** |\n",
        stack * 1e6 / requests,
        stack * 1e3 / paid
    )?;
    Ok(())
}
