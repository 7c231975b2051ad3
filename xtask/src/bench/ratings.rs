//! How fast a posted review reaches the catalog: `bench/load`'s `rating-lag` driver against
//! the bench stack, reported as post → reviews page and post → catalog p50/p99.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::fmt::Write as _;

use crate::stack::StackConfig;
use crate::{cmd, paths};

/// Reviews per run.
const REVIEWS: usize = 200;
/// Reviews posted at once.
const CONCURRENCY: usize = 4;

/// What `rating-lag` prints.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    reviews: usize,
    missing: usize,
    own_p50_ms: f64,
    own_p99_ms: f64,
    catalog_p50_ms: f64,
    catalog_p99_ms: f64,
}

/// Runs the driver once against `config`'s stack and adds its table to `report`.
pub fn measure(config: &StackConfig, report: &mut String) -> Result<()> {
    println!("==> rating lag: {REVIEWS} reviews, until the catalog's copy shows each");
    let driver = paths::target_dir().join("release-native").join("rating-lag");
    let output = cmd::output(cmd::new(driver.to_string_lossy().as_ref()).args([
        "--base",
        &config.base_url(),
        "--reviews",
        &REVIEWS.to_string(),
        "--concurrency",
        &CONCURRENCY.to_string(),
    ]))?;
    let run: Run =
        serde_json::from_str(output.trim()).with_context(|| format!("rating-lag printed {output:?}"))?;
    writeln!(
        report,
        "## A posted review reaching the catalog (through the gateway)\n\n\
         {REVIEWS} signed-in shoppers post a review each, {CONCURRENCY} at a time. Timed from sending \
         the review: until the reviews page shows the new rating (what the reviews MFE shows at once), \
         and until the catalog's own copy does (`reviews.rating-changed` through the outbox relay and \
         JetStream into the catalog: what the grid and product page show), read every 5 ms.\n"
    )?;
    writeln!(
        report,
        "| reviews | never reached the catalog (10 s) | post → reviews page p50 | p99 | post → catalog p50 | p99 |\n\
         |---|---|---|---|---|---|"
    )?;
    writeln!(
        report,
        "| {} | **{}** | {:.0} ms | {:.0} ms | **{:.0} ms** | **{:.0} ms** |\n",
        run.reviews, run.missing, run.own_p50_ms, run.own_p99_ms, run.catalog_p50_ms, run.catalog_p99_ms
    )?;
    Ok(())
}
