//! `cargo xtask chaos`: the checkout saga under real faults. It starts the real service
//! processes, keeps an order load running (mixed pay and decline, some out of stock), and
//! meanwhile SIGKILLs each saga service in turn at random moments and restarts nats-server and
//! the gateway; then it reads every service's database and checks that each order ended PAID
//! or CANCELLED exactly once, stock is conserved, each paid order was charged once and no
//! cancelled one at all, and carts are consistent.
//!
//! The randomness (fault moments, down times, products, pay or decline) is seeded; the seed
//! is printed and `--seed S` replays it. `--orders N` (default 1000) sizes the run; the
//! suite's short form (`cargo xtask test`) runs [`SHORT_ORDERS`].

mod check;
mod driver;
mod faults;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::stack::{self, Profile, Stack, StackConfig};
use crate::{paths, tools};

/// Orders in the suite's short form: about two minutes on this machine.
pub const SHORT_ORDERS: usize = 150;
/// Shoppers buying at once.
const SHOPPERS: usize = 12;
/// Share of pay pages on which the shopper pays (the rest decline).
const PAY_SHARE: f64 = 0.8;

/// The run's size and seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Orders to place.
    pub orders: usize,
    /// Seed of every random choice.
    pub seed: u64,
}

impl Plan {
    /// The suite's short form: [`SHORT_ORDERS`] orders, a fresh seed (printed, to replay).
    pub fn short() -> Self {
        Plan {
            orders: SHORT_ORDERS,
            seed: fastrand::u64(..),
        }
    }

    /// `--orders N`, `--seed S`; a fresh seed unless given.
    pub fn parse(args: &[String]) -> Result<Self> {
        let mut plan = Plan {
            orders: 1000,
            seed: fastrand::u64(..),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let value = || {
                args.clone()
                    .next()
                    .cloned()
                    .with_context(|| format!("{arg} needs a value"))
            };
            match arg.as_str() {
                "--orders" => plan.orders = value()?.parse().context("--orders takes a whole number")?,
                "--seed" => plan.seed = value()?.parse().context("--seed takes a whole number")?,
                other => {
                    bail!("unknown argument {other:?}; usage: cargo xtask chaos [--orders N] [--seed S]")
                }
            }
            args.next();
        }
        if plan.orders == 0 {
            bail!("--orders must be at least 1");
        }
        Ok(plan)
    }
}

/// `cargo xtask chaos [--orders N] [--seed S]`.
pub fn run(args: &[String]) -> Result<()> {
    let plan = Plan::parse(args)?;
    let tools = tools::ensure(tools::Need::Up)?;
    stack::build_services(Profile::Debug)?;
    run_plan(&tools, &plan)
}

/// Runs `plan` against a fresh stack of the debug binaries (built already).
pub fn run_plan(tools: &tools::Tools, plan: &Plan) -> Result<()> {
    println!(
        "==> chaos: {} orders, seed {} (replay: cargo xtask chaos --orders {} --seed {})",
        plan.orders, plan.seed, plan.orders, plan.seed
    );
    let work = paths::target_dir().join("chaos");
    stack::fresh_dir(&work)?;
    let web_dir = work.join("web");
    std::fs::create_dir_all(&web_dir)?;
    std::fs::write(web_dir.join("index.html"), "<!doctype html><title>chaos</title>")?;
    let config = StackConfig {
        // Clear of the e2e stack (18xxx) and the bench's (28xxx).
        // Below Linux's ephemeral range (32768 and up), where any outgoing connection may hold
        // a port for a while: 21xxx, NATS 25222 (monitor 29222).
        gateway_port: 21080,
        port_offset: 13000,
        nats_port: 25222,
        data_dir: work.join("data"),
        web_dir,
        profile: Profile::Debug,
        log_dir: Some(work.join("logs")),
        relaxed_limits: true,
        // A payment the shopper made must not be lost and then expire: keep the window short
        // enough for an expiry to happen within the run if it were.
        env: vec![("PAYMENT_TIMEOUT_SECONDS", "45")],
        database_urls: Vec::new(),
    };
    let mut stack = Stack::start(tools, config.clone())?;
    let result = drive(&mut stack, &config, plan);
    stack.stop();
    if result.is_err() {
        eprintln!("  service logs: {}", work.join("logs").display());
    }
    result
}

fn drive(stack: &mut Stack, config: &StackConfig, plan: &Plan) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let initial = runtime.block_on(check::stock(&config.data_dir))?;
    let done = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let base = config.base_url();
    let (orders, seed, finished) = (plan.orders, plan.seed, done.clone());
    let load = std::thread::spawn(move || {
        let outcome = runtime.block_on(driver::run(&base, SHOPPERS, orders, PAY_SHARE, seed));
        finished.store(true, Ordering::SeqCst);
        (runtime, outcome)
    });
    let made = faults::run(stack, plan.seed, &done);
    let (runtime, outcome) = load
        .join()
        .map_err(|_| anyhow::anyhow!("the load thread panicked"))?;
    let made = made?;
    let outcome = outcome?;
    let took = started.elapsed();
    let verdict = runtime.block_on(check::verdict(&config.data_dir, &outcome, &initial))?;
    report(plan, &outcome, &made, &verdict, took);
    if !verdict.problems.is_empty() {
        bail!(
            "{} invariant(s) broken (seed {})",
            verdict.problems.len(),
            plan.seed
        );
    }
    Ok(())
}

fn report(
    plan: &Plan,
    outcome: &driver::Outcome,
    made: &[faults::Made],
    verdict: &check::Verdict,
    took: std::time::Duration,
) {
    let mut by_target = std::collections::BTreeMap::<&str, usize>::new();
    for fault in made {
        *by_target.entry(fault.target).or_default() += 1;
    }
    println!(
        "  {} orders in {:.0?} ({:.1}/s) while making {} faults: {:?}",
        outcome.placed.len(),
        took,
        outcome.placed.len() as f64 / took.as_secs_f64(),
        made.len(),
        by_target
    );
    println!(
        "  final states {:?}; {} units sold; {} calls retried by the shoppers",
        verdict.by_status, verdict.sold, outcome.retried
    );
    for problem in &verdict.problems {
        println!("  ✗ {problem}");
    }
    if verdict.problems.is_empty() {
        println!("  ✓ every order PAID or CANCELLED exactly once as its shopper chose, stock conserved, one charge per paid order and none for cancelled ones, carts empty (seed {})", plan.seed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn orders_and_seed_are_read_and_nonsense_is_refused() {
        let plan = Plan::parse(&args("--orders 20 --seed 7")).unwrap();
        assert_eq!(plan, Plan { orders: 20, seed: 7 });
        assert_eq!(Plan::parse(&[]).unwrap().orders, 1000);
        assert!(Plan::parse(&args("--orders lots")).is_err());
        assert!(Plan::parse(&args("--orders 0")).is_err());
        assert!(Plan::parse(&args("--seed")).is_err());
        assert!(Plan::parse(&args("--fast")).is_err());
    }
}
