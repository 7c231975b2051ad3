//! The checkout saga under load: `bench/load`'s `order-saga` driver against the bench stack
//! (whose sandbox pays every session at once), reported as completed orders per second, lost
//! and doubled counts, and placing → PAID latency; and what each process spent in CPU time
//! per order meanwhile, which bounds the orders per second this machine can reach at all.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::process::Stdio;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use super::cpu::{self, Snapshot, Watched};
use crate::stack::{Stack, StackConfig};
use crate::{cmd, paths};

/// What the driver prints (to stderr) as it starts placing orders, and once all are paid.
const PLACING: &str = "placing ";
const ALL_PAID: &str = "all paid";

/// Orders per run unless `BENCH_ORDERS` says otherwise.
const DEFAULT_ORDERS: usize = 2000;
/// Placing requests in flight at once.
const CONNECTIONS: usize = 64;

/// What `order-saga` prints.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    placed: usize,
    refused: usize,
    paid: usize,
    lost: usize,
    doubled: usize,
    seconds: f64,
    orders_per_second: f64,
    placing_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// Runs the driver once against `config`'s stack (`running`), whose services keep their data
/// in `database`, and adds its tables to `report`; `servers` (a database server outside the
/// stack: a name and its main process) are counted in the CPU table too, with every process
/// they have started at each reading (PostgreSQL forks a backend per connection, and the
/// services' pools open connections as the load grows).
pub fn measure(
    config: &StackConfig,
    running: &Stack,
    database: &str,
    servers: &[(&str, u32)],
    report: &mut String,
) -> Result<()> {
    let orders: usize = match std::env::var("BENCH_ORDERS") {
        Ok(value) => value.parse().context("BENCH_ORDERS")?,
        Err(_) => DEFAULT_ORDERS,
    };
    println!(
        "==> the order saga on {database}: {orders} shoppers place an order each, the sandbox pays at once"
    );
    let driver = paths::target_dir().join("release-native").join("order-saga");
    let mut command = cmd::new(driver.to_string_lossy().as_ref());
    command.args([
        "--base",
        &config.base_url(),
        "--nats",
        &config.nats_url(),
        "--orders",
        &orders.to_string(),
        "--connections",
        &CONNECTIONS.to_string(),
        "--hold-after-paid",
        "yes",
    ]);
    let (output, spent) = run_counting_cpu(&mut command, running, servers)?;
    let run: Run =
        serde_json::from_str(output.trim()).with_context(|| format!("order-saga printed {output:?}"))?;
    writeln!(
        report,
        "## The order saga end to end on {database} (through the gateway, sandbox paying at once)\n\n\
         {orders} signed-in shoppers with one product in their cart each place their order, \
         {CONNECTIONS} at a time; each order goes placed → inventory reserved → payment session → \
         sandbox pays (signed webhook) → PAID, over JetStream with outbox and inbox at every step. \
         Lost = placed but never PAID; doubled = announced paid more than once in the ORDERS \
         stream, or a shopper with more than one order.\n"
    )?;
    writeln!(
        report,
        "| placed | refused | PAID | lost | doubled | orders/s completed (target ≥ 350) | placing/s | placing → PAID p50 | p99 |\n\
         |---|---|---|---|---|---|---|---|---|"
    )?;
    writeln!(
        report,
        "| {} | {} | {} | **{}** | **{}** | **{:.0}** ({} in {:.1} s) | {:.0} | {:.0} ms | {:.0} ms |\n",
        run.placed,
        run.refused,
        run.paid,
        run.lost,
        run.doubled,
        run.orders_per_second,
        run.paid,
        run.seconds,
        run.placing_per_second,
        run.p50_ms,
        run.p99_ms
    )?;
    cpu_table(&spent, run.paid, report)
}

/// Runs the driver, echoing its progress, and returns what it printed and the CPU time each
/// process of the stack (and the driver) spent from placing the first order until the stack
/// is idle again after the last PAID.
fn run_counting_cpu(
    command: &mut std::process::Command,
    running: &Stack,
    servers: &[(&str, u32)],
) -> Result<(String, Vec<(String, std::time::Duration)>)> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting order-saga")?;
    let mut watched: Watched = running
        .pids()
        .into_iter()
        .map(|(name, pid)| (name, vec![pid]))
        .collect();
    watched.push(("order-saga (the load driver)".into(), vec![child.id()]));
    let now_watched = || {
        let mut now = watched.clone();
        now.extend(
            servers
                .iter()
                .map(|(name, pid)| (name.to_string(), cpu::with_children(*pid))),
        );
        now
    };
    let stderr = child.stderr.take().context("order-saga's stderr")?;
    let (mut start, mut end) = (None, None);
    let mut said = String::new();
    for line in BufReader::new(stderr).lines() {
        let line = line?;
        eprintln!("  order-saga: {line}");
        if line.starts_with(PLACING) {
            start = Some(Snapshot::take(&now_watched()));
        } else if line.starts_with(ALL_PAID) {
            // What follows PAID (stock taken, shipment, cart emptied, SHIPPED) is the
            // order's cost too: read once the stack has settled, then let the driver check.
            end = Some(cpu::when_idle(&now_watched()));
            let mut go_on = child.stdin.take().context("order-saga's stdin")?;
            writeln!(go_on).context("telling order-saga to go on")?;
        }
        said.push_str(&line);
        said.push('\n');
    }
    let output = child.wait_with_output().context("waiting for order-saga")?;
    if !output.status.success() {
        bail!("order-saga failed ({}): {}", output.status, said.trim());
    }
    let (Some(start), Some(end)) = (start, end) else {
        bail!("order-saga never said it was placing orders and saw them paid:\n{said}");
    };
    Ok((
        String::from_utf8_lossy(&output.stdout).into_owned(),
        end.since(&start),
    ))
}

/// CPU milliseconds per completed order for each process, and the ceiling they imply.
fn cpu_table(spent: &[(String, std::time::Duration)], paid: usize, report: &mut String) -> Result<()> {
    let per_order = |d: &std::time::Duration| d.as_secs_f64() * 1000.0 / paid.max(1) as f64;
    let total: f64 = spent.iter().map(|(_, d)| per_order(d)).sum();
    writeln!(
        report,
        "CPU time per completed order, by process, from placing the first order until the stack \
         is idle again after the last PAID, the steps that follow PAID included \
         (user + system, all threads). At {total:.1} ms per order, {cores:.0} cores fully busy \
         complete at most **{ceiling:.0} orders/s**: the ceiling of this machine for the saga as \
         it is, whatever runs in parallel.\n",
        cores = cpu::cores(),
        ceiling = cpu::cores() * 1000.0 / total.max(f64::EPSILON),
    )?;
    writeln!(report, "| process | CPU ms per order | share |\n|---|---|---|")?;
    for (name, d) in spent.iter().filter(|(_, d)| !d.is_zero()) {
        let ms = per_order(d);
        writeln!(
            report,
            "| {name} | {ms:.2} | {:.0} % |",
            100.0 * ms / total.max(f64::EPSILON)
        )?;
    }
    writeln!(report, "| **total** | **{total:.2}** | 100 % |\n")?;
    Ok(())
}
