//! The product page assembled by the gateway (`GET /api/pages/product/{id}`) against the
//! separate calls that fetch the same data — the catalog's product, the reviews page (which
//! carries the rating) and the stock — issued at once, as two MFEs on one page issue theirs.
//! Both through the gateway, in alternating rounds: page latency for one shopper and for
//! several, pages/s, and the CPU time the gateway and the three services spend per page.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use hdrhistogram::Histogram;

use super::cpu::{Snapshot, Watched};
use super::{median, ROUNDS};
use crate::stack::{Stack, StackConfig};

/// The product measured (seeded by the catalog and inventory; reviews are written here).
const PRODUCT: i64 = 3;
/// Reviews written first, so the page carries a full first page of them.
const REVIEWERS: usize = 10;
/// Shoppers loading pages back to back: one (latency as a shopper feels it) and several
/// (what a busy gateway spends per page).
const SHOPPERS: [usize; 2] = [1, 16];
/// One round of one way at one load.
const ROUND: Duration = Duration::from_secs(5);
const PASSWORD: &str = "correct horse battery";

/// How a page is fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    /// The three calls at once, from the client.
    Separate,
    /// One call; the gateway makes the three.
    Assembled,
}

impl Way {
    fn label(self) -> &'static str {
        match self {
            Way::Separate => "separate calls (3 at once)",
            Way::Assembled => "assembled (`/api/pages/product/…`)",
        }
    }

    fn urls(self, base: &str) -> Vec<String> {
        match self {
            Way::Separate => vec![
                format!("{base}/api/catalog/products/{PRODUCT}"),
                format!("{base}/api/reviews/products/{PRODUCT}/reviews"),
                format!("{base}/api/inventory/stock/{PRODUCT}"),
            ],
            Way::Assembled => vec![format!("{base}/api/pages/product/{PRODUCT}")],
        }
    }
}

/// One round's figures.
struct Round {
    pages_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    gateway_us: f64,
    services_us: f64,
}

/// Both ways at one load.
struct AtLoad {
    shoppers: usize,
    separate: Vec<Round>,
    assembled: Vec<Round>,
}

/// Writes the reviews, checks the page is whole, runs the rounds and adds the table.
pub fn measure(config: &StackConfig, running: &Stack, report: &mut String) -> Result<()> {
    println!("==> product page: assembled vs separate calls, {ROUNDS} alternating rounds of {ROUND:?}");
    let watched = watched(running)?;
    let base = config.base_url();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the page bench's runtime")?;
    runtime.block_on(async {
        let http = reqwest::Client::new();
        write_reviews(&http, &base).await?;
        let bytes = (
            page_bytes(&http, &base, Way::Separate).await?,
            page_bytes(&http, &base, Way::Assembled).await?,
        );
        let mut loads = Vec::new();
        for shoppers in SHOPPERS {
            let mut at = AtLoad {
                shoppers,
                separate: Vec::new(),
                assembled: Vec::new(),
            };
            for _ in 0..ROUNDS {
                at.separate
                    .push(round(&http, &base, Way::Separate, shoppers, &watched).await?);
                at.assembled
                    .push(round(&http, &base, Way::Assembled, shoppers, &watched).await?);
            }
            loads.push(at);
        }
        write_section(report, &loads, bytes)
    })
}

fn watched(running: &Stack) -> Result<Watched> {
    ["gateway", "catalog", "reviews", "inventory"]
        .iter()
        .map(|name| {
            let pid = running.pid(name).with_context(|| format!("no {name} process"))?;
            Ok((name.to_string(), vec![pid]))
        })
        .collect()
}

/// `REVIEWERS` shoppers each review the product, so its first page of reviews is full.
async fn write_reviews(http: &reqwest::Client, base: &str) -> Result<()> {
    for i in 0..REVIEWERS {
        let email = format!("page-bench-{i}@example.com");
        let body =
            serde_json::json!({"name": format!("Page Bench {i}"), "email": email, "password": PASSWORD});
        let registered = http
            .post(format!("{base}/api/identity/users"))
            .json(&body)
            .send()
            .await?;
        let grant: serde_json::Value = if registered.status().is_success() {
            registered.json().await?
        } else {
            // A stack that already has the user (a second run on it).
            let sign_in = serde_json::json!({"email": email, "password": PASSWORD});
            let signed_in = http
                .post(format!("{base}/api/identity/sessions"))
                .json(&sign_in)
                .send()
                .await?;
            signed_in.error_for_status()?.json().await?
        };
        let token = grant["accessToken"].as_str().context("no accessToken")?;
        let review = serde_json::json!({
            "rating": 1 + i % 5,
            "title": format!("Review number {i}"),
            "body": "Sturdy, well made and exactly as pictured; it arrived quickly and has held up to daily use. ".repeat(3),
        });
        http.put(format!("{base}/api/reviews/products/{PRODUCT}/reviews/mine"))
            .bearer_auth(token)
            .json(&review)
            .send()
            .await?
            .error_for_status()
            .context("writing a review")?;
    }
    Ok(())
}

/// Bytes one page load reads; the assembled page must be whole, or the rounds would measure
/// a partial one.
async fn page_bytes(http: &reqwest::Client, base: &str, way: Way) -> Result<usize> {
    if way == Way::Assembled {
        let url = &way.urls(base)[0];
        let page: serde_json::Value = http.get(url).send().await?.error_for_status()?.json().await?;
        if page["missing"].as_array().is_none_or(|m| !m.is_empty()) {
            bail!("the assembled page is not whole: {}", page["missing"]);
        }
    }
    load_page(http, &way.urls(base)).await
}

/// Fetches every URL of one page at once; the bytes read.
async fn load_page(http: &reqwest::Client, urls: &[String]) -> Result<usize> {
    let mut calls = tokio::task::JoinSet::new();
    for url in urls {
        let (http, url) = (http.clone(), url.clone());
        calls.spawn(async move {
            let response = http.get(&url).send().await?;
            if !response.status().is_success() {
                bail!("{url} answered {}", response.status());
            }
            anyhow::Ok(response.bytes().await?.len())
        });
    }
    let mut total = 0;
    while let Some(done) = calls.join_next().await {
        total += done??;
    }
    Ok(total)
}

/// `shoppers` loading pages back to back for a round; latency per page load.
async fn round(
    http: &reqwest::Client,
    base: &str,
    way: Way,
    shoppers: usize,
    watched: &Watched,
) -> Result<Round> {
    let urls = way.urls(base);
    let before = Snapshot::take(watched);
    let started = Instant::now();
    let end = started + ROUND;
    let mut tasks = Vec::new();
    for _ in 0..shoppers {
        let (http, urls) = (http.clone(), urls.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = histogram()?;
            while Instant::now() < end {
                let page = Instant::now();
                load_page(&http, &urls).await?;
                latencies.saturating_record(page.elapsed().as_micros() as u64);
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = histogram()?;
    for task in tasks {
        latencies.add(task.await??).map_err(|e| anyhow!("{e:?}"))?;
    }
    let took = started.elapsed().as_secs_f64();
    let spent = Snapshot::take(watched).since(&before);
    let pages = latencies.len().max(1) as f64;
    let per_page = |names: &[&str]| {
        spent
            .iter()
            .filter(|(name, _)| names.contains(&name.as_str()))
            .map(|(_, d)| d.as_secs_f64() * 1e6 / pages)
            .sum::<f64>()
    };
    Ok(Round {
        pages_per_s: latencies.len() as f64 / took,
        p50_ms: latencies.value_at_quantile(0.5) as f64 / 1000.0,
        p99_ms: latencies.value_at_quantile(0.99) as f64 / 1000.0,
        gateway_us: per_page(&["gateway"]),
        services_us: per_page(&["catalog", "reviews", "inventory"]),
    })
}

fn histogram() -> Result<Histogram<u64>> {
    Histogram::new_with_bounds(1, 60_000_000, 3).map_err(|e| anyhow!("{e:?}"))
}

fn write_section(
    report: &mut String,
    loads: &[AtLoad],
    (separate_bytes, assembled_bytes): (usize, usize),
) -> Result<()> {
    writeln!(
        report,
        "## The product page: assembled by the gateway against separate calls (through the gateway, median of {ROUNDS} alternating {}s rounds)\n",
        ROUND.as_secs()
    )?;
    writeln!(
        report,
        "One page is product {PRODUCT}, its rating and first page of reviews ({REVIEWERS} written first) and its stock. \
         Separate: the client sends the catalog, reviews and inventory calls at once, as the catalog and reviews MFEs on \
         one page do; a page is loaded when all three are read ({:.1} KB). Assembled: one `GET /api/pages/product/{PRODUCT}`, \
         for which the gateway makes the three calls at once ({:.1} KB; the rating travels twice, as its own part and in the \
         reviews page). Each shopper loads pages back to back. The load generator is this xtask (an unoptimised build) on \
         the same 2 cores.\n",
        separate_bytes as f64 / 1024.0,
        assembled_bytes as f64 / 1024.0,
    )?;
    writeln!(
        report,
        "| shoppers | way | pages/s | page p50 | page p99 | gateway CPU per page | catalog + reviews + inventory CPU per page |\n\
         |---|---|---|---|---|---|---|"
    )?;
    let m = |rounds: &[Round], f: fn(&Round) -> f64| median(rounds.iter().map(f).collect());
    for at in loads {
        for (way, rounds) in [(Way::Separate, &at.separate), (Way::Assembled, &at.assembled)] {
            writeln!(
                report,
                "| {} | {} | {:.0} | {:.2} ms | {:.2} ms | {:.0} µs | {:.0} µs |",
                at.shoppers,
                way.label(),
                m(rounds, |r| r.pages_per_s),
                m(rounds, |r| r.p50_ms),
                m(rounds, |r| r.p99_ms),
                m(rounds, |r| r.gateway_us),
                m(rounds, |r| r.services_us),
            )?;
        }
    }
    writeln!(report)?;
    for at in loads {
        let ratio = |f: fn(&Round) -> f64| m(&at.assembled, f) / m(&at.separate, f).max(f64::EPSILON);
        writeln!(
            report,
            "Assembled / separate at {} shopper(s): page p50 **×{:.2}**, p99 ×{:.2}, pages/s ×{:.2}, gateway CPU per page **×{:.2}**, services' CPU per page ×{:.2}.",
            at.shoppers,
            ratio(|r| r.p50_ms),
            ratio(|r| r.p99_ms),
            ratio(|r| r.pages_per_s),
            ratio(|r| r.gateway_us),
            ratio(|r| r.services_us),
        )?;
    }
    writeln!(report)?;
    Ok(())
}
