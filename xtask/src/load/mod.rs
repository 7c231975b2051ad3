//! `cargo xtask load --users N --duration D`: drives a running store through its gateway the
//! way shoppers do — mostly browsing, some searching, adding to carts, fewer checkouts
//! (Online Boutique's Locust profile, `profile.rs`) — with a live progress line and, at the
//! end, a summary per step: count, requests/s, p50, p99, errors and their kinds.
//!
//! Each virtual shopper signs in once (its account is kept across runs: `accounts.rs`), then
//! draws task after task with a think time between (`shopper.rs`), until the run's length has
//! passed; the tasks still under way finish. `cargo xtask bench load` runs a short one on the
//! bench's own stack and adds the CPU spent per request and per order.
//!
//! docs/decisions/0016-load-profile.md says why it is built this way.

mod accounts;
mod api;
mod args;
pub(crate) mod checkout;
mod profile;
mod progress;
mod shopper;
mod stats;
mod summary;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use contracts::catalog::ProductPage;
use reqwest::Method;
use tokio::task::JoinSet;

pub use args::Options;
pub use profile::ThinkTime;
pub use stats::Row;
pub use summary::markdown_table;

use accounts::Expect;
use api::{Api, Shared};
use checkout::Orders;
use shopper::{Shopper, Trip};
use stats::{Stats, Step};

/// Sign-ins at once while shoppers arrive: each registration costs an argon2 hash on purpose.
const SIGNING_IN: usize = 8;
/// How long the tasks under way at the deadline may take to finish (a checkout follows its
/// order for up to 30 s twice) before they are cut off.
const GRACE: Duration = Duration::from_secs(65);

/// `cargo xtask load …`: parse, run, print the summary.
pub fn run(args: &[String]) -> Result<()> {
    let options = args::parse(args)?;
    let report = block_on(async {
        let prepared = prepare(&options).await?;
        prepared.run().await
    })??;
    println!("\n{}", report.text());
    Ok(())
}

/// Runs `work` on a runtime of its own: the rest of xtask is synchronous.
pub fn block_on<F: std::future::Future>(work: F) -> Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the load generator's runtime")?;
    Ok(runtime.block_on(work))
}

/// Shoppers signed in and ready to start.
pub struct Prepared {
    options: Options,
    shoppers: Vec<Shopper>,
    products: u32,
    setup: Setup,
}

/// How the shoppers got their accounts.
#[derive(Debug, Clone, Copy)]
pub struct Setup {
    /// Signing everyone in took this long.
    pub elapsed: Duration,
    /// Accounts this run registered (the rest signed into accounts of earlier runs).
    pub registered: usize,
    /// Median registration time if any registered, else median sign-in time, milliseconds.
    pub p50_ms: f64,
}

/// Finds the catalog's size and signs every shopper in.
pub async fn prepare(options: &Options) -> Result<Prepared> {
    let started = Instant::now();
    let stats: Shared = Arc::new(Mutex::new(Stats::default()));
    let products = catalog_size(&options.target, stats.clone()).await?;
    eprintln!(
        "==> {} shoppers against {} ({products} products): signing in",
        options.users, options.target
    );
    let seed = options.seed.unwrap_or_else(|| fastrand::u64(..));
    // Earlier runs made accounts 0, 1, … in order: the first shopper found without one
    // tells the shoppers after it to register straight away, so no failed sign-in is spent
    // on an account that cannot exist (identity counts those against this address).
    let missing = Arc::new(AtomicUsize::new(usize::MAX));
    let first = open_one(options, 0, seed, &missing, &stats).await?;
    let mut registered = usize::from(first.1);
    let mut shoppers = vec![first.0];
    for (shopper, new) in open_rest(options, seed, &missing, &stats).await? {
        shoppers.push(shopper);
        registered += usize::from(new);
    }
    let step = if registered > 0 {
        Step::Register
    } else {
        Step::SignIn
    };
    let p50_ms = stats
        .lock()
        .ok()
        .and_then(|s| s.rows(started.elapsed()).into_iter().find(|r| r.step == step))
        .map_or(0.0, |r| r.p50_ms);
    Ok(Prepared {
        options: options.clone(),
        shoppers,
        products,
        setup: Setup {
            elapsed: started.elapsed(),
            registered,
            p50_ms,
        },
    })
}

async fn catalog_size(target: &str, stats: Shared) -> Result<u32> {
    let api = Api::new(target, stats)?;
    let page: ProductPage = api
        .json(
            Step::ProductList,
            api.request(Method::GET, "/api/catalog/products?limit=1"),
        )
        .await
        .map_err(|failure| {
            anyhow::anyhow!(
                "{target} does not answer as the store: GET /api/catalog/products gave {failure}. \
                 Is a stack running there? (`cargo xtask up` or `cargo xtask compose up` serve {})",
                args::DEFAULT_TARGET
            )
        })?;
    u32::try_from(page.total.max(1)).context("the catalog's product count")
}

/// Opens shopper `n`'s session; `missing` is the lowest shopper known to have no account.
async fn open_one(
    options: &Options,
    n: usize,
    seed: u64,
    missing: &AtomicUsize,
    stats: &Shared,
) -> Result<(Shopper, bool)> {
    let api = Api::new(&options.target, stats.clone())?;
    let expect = if n > missing.load(Ordering::Relaxed) {
        Expect::New
    } else {
        Expect::Existing
    };
    let session = accounts::open(&api, n, expect).await?;
    let registered = session.registered;
    if registered {
        missing.fetch_min(n, Ordering::Relaxed);
    }
    let rng = fastrand::Rng::with_seed(seed.wrapping_add(n as u64));
    Ok((Shopper::new(n, api, session, rng), registered))
}

async fn open_rest(
    options: &Options,
    seed: u64,
    missing: &Arc<AtomicUsize>,
    stats: &Shared,
) -> Result<Vec<(Shopper, bool)>> {
    let mut opening = JoinSet::new();
    let mut opened = Vec::with_capacity(options.users);
    for n in 1..options.users {
        if opening.len() >= SIGNING_IN {
            if let Some(done) = opening.join_next().await {
                opened.push(done??);
            }
        }
        let (options, stats, missing) = (options.clone(), stats.clone(), missing.clone());
        opening.spawn(async move { open_one(&options, n, seed, &missing, &stats).await });
    }
    while let Some(done) = opening.join_next().await {
        opened.push(done??);
    }
    Ok(opened)
}

/// What a run measured.
#[derive(Debug, Clone)]
pub struct Report {
    /// What was asked.
    pub options: Options,
    /// One row per step.
    pub rows: Vec<Row>,
    /// From the first task to the last one finishing.
    pub elapsed: Duration,
    /// Requests and failed requests, every step.
    pub requests: u64,
    /// Failed requests.
    pub errors: u64,
    /// Orders placed, paid, cancelled, not settled.
    pub orders: [u64; 4],
    /// The sign-ins before.
    pub setup: Setup,
    /// Ended by Ctrl-C or the grace period rather than by every shopper finishing.
    pub cut_short: bool,
}

impl Prepared {
    /// Lets every shopper shop for the run's length, showing progress, and sums up.
    pub async fn run(self) -> Result<Report> {
        let stats: Shared = Arc::new(Mutex::new(Stats::default()));
        let orders = Arc::new(Orders::default());
        let started = Instant::now();
        let trip = Arc::new(Trip {
            products: self.products,
            think: self.options.think,
            decline_percent: self.options.decline_percent,
            deadline: started + self.options.duration,
            orders: orders.clone(),
        });
        let users = self.shoppers.len();
        let mut shopping = JoinSet::new();
        for mut shopper in self.shoppers {
            shopper.record_into(stats.clone());
            let trip = trip.clone();
            shopping.spawn(async move { shopper.shop(&trip).await });
        }
        let progress = progress::spawn(stats.clone(), orders.clone(), users, self.options.duration);
        let cut_short = tokio::select! {
            _ = async { while shopping.join_next().await.is_some() {} } => false,
            _ = tokio::time::sleep_until((trip.deadline + GRACE).into()) => true,
            // Ctrl-C ends the run early but still prints what was measured.
            Ok(()) = tokio::signal::ctrl_c() => true,
        };
        shopping.abort_all();
        progress.abort();
        progress::finish();
        let elapsed = started.elapsed();
        let stats = stats.lock().map(|s| s.clone()).unwrap_or_default();
        let (requests, errors) = stats.totals();
        let count = |n: &std::sync::atomic::AtomicU64| n.load(Ordering::Relaxed);
        Ok(Report {
            options: self.options,
            rows: stats.rows(elapsed),
            elapsed,
            requests,
            errors,
            orders: [
                count(&orders.placed),
                count(&orders.paid),
                count(&orders.cancelled),
                count(&orders.unsettled),
            ],
            setup: self.setup,
            cut_short,
        })
    }
}

impl Report {
    /// The run's parameters, its totals and the table per step, for a terminal.
    pub fn text(&self) -> String {
        let mut out = format!("{}\n\n{}", self.headline(), summary::text_table(&self.rows));
        if self.rows.iter().any(|r| r.kinds.iter().any(|(k, _)| k == "429")) {
            out.push_str(
                "\n429s: the gateway limits each client address (RATE_LIMIT_PER_SECOND, default 100/s, \
                 burst 200) and every shopper here is one address; the bench's stack lifts it \
                 (see `cargo xtask load` in README.md).\n",
            );
        }
        out
    }

    /// One paragraph: what ran, the totals and the orders' fates.
    pub fn headline(&self) -> String {
        let [placed, paid, cancelled, unsettled] = self.orders;
        format!(
            "{} shoppers, think {}, for {:.1} s{} against {}: {} requests ({:.1}/s), {} errors; \
             orders: {placed} placed, {paid} paid, {cancelled} cancelled, {unsettled} not settled. \
             Sign-in of all shoppers took {:.1} s ({} registered, p50 {:.0} ms).",
            self.options.users,
            self.options.think.describe(),
            self.elapsed.as_secs_f64(),
            if self.cut_short { " (cut short)" } else { "" },
            self.options.target,
            self.requests,
            self.requests as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON),
            self.errors,
            self.setup.elapsed.as_secs_f64(),
            self.setup.registered,
            self.setup.p50_ms,
        )
    }
}
