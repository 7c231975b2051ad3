//! `order-saga`: the checkout saga under load, for `cargo xtask bench`.
//!
//! Against a running stack whose sandbox pays every session at once (`SANDBOX_AUTO_PAY`), it
//! signs up `--orders` shoppers with one product each in their cart (not timed), then places
//! all their orders through the gateway, `--connections` at a time, and waits until each is
//! PAID. It prints one JSON line: orders placed, PAID, lost (placed, never paid), doubled
//! (announced paid more than once in the ORDERS stream, or more than one order per shopper),
//! completed orders per second, and placing → PAID latency percentiles.
//!
//! With `--hold-after-paid yes` it waits, once all are paid, for a line on its standard input
//! before it checks (the checks call the API 2 000 times): the bench reads every process's
//! CPU time in between, once the steps that follow PAID have settled too.
//!
//! It only measures; it never decides whether a number is good (that is BENCHMARKS.md's job).

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures::{stream, StreamExt};
use mercado_load::{percentile, shoppers, watch};
use serde::Serialize;

/// How long to wait for the last orders to be paid before calling them lost.
const DRAIN: Duration = Duration::from_secs(60);

/// What the run measured.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    shoppers: usize,
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

struct Args {
    base: String,
    nats: String,
    orders: usize,
    connections: usize,
    hold_after_paid: bool,
}

fn args() -> Result<Args> {
    let mut args = Args {
        base: "http://127.0.0.1:8080".into(),
        nats: "nats://127.0.0.1:4222".into(),
        orders: 2000,
        connections: 64,
        hold_after_paid: false,
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let value = given.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--base" => args.base = value,
            "--nats" => args.nats = value,
            "--orders" => args.orders = value.parse()?,
            "--connections" => args.connections = value.parse()?,
            "--hold-after-paid" => args.hold_after_paid = value == "yes",
            _ => anyhow::bail!("unknown flag {flag}"),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = args()?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.connections * 2)
        .build()?;
    eprintln!("signing up {} shoppers…", args.orders);
    let ready = shoppers::sign_up(&http, &args.base, args.orders).await?;
    let nats = async_nats::connect(&args.nats).await?;
    let paid = watch::PaidWatch::start(&nats).await?;

    eprintln!("placing {} orders, {} at a time…", ready.len(), args.connections);
    let started = Instant::now();
    let placed: Vec<_> = stream::iter(&ready)
        .map(|shopper| shoppers::place(&http, &args.base, shopper))
        .buffer_unordered(args.connections)
        .collect()
        .await;
    let placing = started.elapsed();
    let (placed, refused): (Vec<_>, Vec<_>) = placed.into_iter().partition(Result::is_ok);
    if let Some(Err(first)) = refused.first() {
        eprintln!("{} placements refused; first: {first:#}", refused.len());
    }
    let placed: Vec<shoppers::Placed> = placed.into_iter().flatten().collect();

    paid.wait_for(placed.iter().map(|p| p.order_id.as_str()), DRAIN)
        .await;
    // `cargo xtask bench` counts each process's CPU time from "placing" until the stack is
    // idle after this line (with --hold-after-paid, before the checks below).
    eprintln!("all paid (or given up on)");
    if args.hold_after_paid {
        let mut line = String::new();
        tokio::task::spawn_blocking(move || std::io::stdin().read_line(&mut line)).await??;
    }
    eprintln!("checking for lost and doubled orders…");
    let latencies = paid.latencies(&placed);
    let last_paid = paid.last_at().unwrap_or(started);
    let announced = watch::paid_announcements(&nats).await?;
    let per_shopper = shoppers::orders_per_shopper(&http, &args.base, &ready, args.connections).await?;

    let paid_count = latencies.len();
    let doubled =
        announced.values().filter(|&&n| n > 1).count() + per_shopper.iter().filter(|&&n| n > 1).count();
    let seconds = last_paid.duration_since(started).as_secs_f64();
    let report = Report {
        shoppers: ready.len(),
        placed: placed.len(),
        refused: refused.len(),
        paid: paid_count,
        lost: placed.len() - paid_count,
        doubled,
        seconds,
        orders_per_second: paid_count as f64 / seconds.max(f64::EPSILON),
        placing_per_second: placed.len() as f64 / placing.as_secs_f64().max(f64::EPSILON),
        p50_ms: percentile(&latencies, 0.50),
        p99_ms: percentile(&latencies, 0.99),
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}
