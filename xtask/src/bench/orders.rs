//! The checkout saga under load: `bench/load`'s `order-saga` driver against the bench stack
//! (whose sandbox pays every session at once), reported as completed orders per second, lost
//! and doubled counts, and placing → PAID latency.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::fmt::Write as _;

use crate::stack::StackConfig;
use crate::{cmd, paths};

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

/// Runs the driver once against `config`'s stack and adds its table to `report`.
pub fn measure(config: &StackConfig, report: &mut String) -> Result<()> {
    let orders: usize = match std::env::var("BENCH_ORDERS") {
        Ok(value) => value.parse().context("BENCH_ORDERS")?,
        Err(_) => DEFAULT_ORDERS,
    };
    println!("==> the order saga: {orders} shoppers place an order each, the sandbox pays at once");
    let driver = paths::target_dir().join("release-native").join("order-saga");
    let output = cmd::output(cmd::new(driver.to_string_lossy().as_ref()).args([
        "--base",
        &config.base_url(),
        "--nats",
        &config.nats_url(),
        "--orders",
        &orders.to_string(),
        "--connections",
        &CONNECTIONS.to_string(),
    ]))?;
    let run: Run =
        serde_json::from_str(output.trim()).with_context(|| format!("order-saga printed {output:?}"))?;
    writeln!(
        report,
        "## The order saga end to end (through the gateway, sandbox paying at once)\n\n\
         {orders} signed-in shoppers with one product in their cart each place their order, \
         {CONNECTIONS} at a time; each order goes placed → inventory reserved → payment session → \
         sandbox pays (signed webhook) → PAID, over JetStream with outbox and inbox at every step. \
         Lost = placed but never PAID; doubled = announced paid more than once in the ORDERS \
         stream, or a shopper with more than one order.\n"
    )?;
    writeln!(
        report,
        "| placed | refused | PAID | lost | doubled | orders/s completed (target ≥ 500) | placing/s | placing → PAID p50 | p99 |\n\
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
    Ok(())
}
