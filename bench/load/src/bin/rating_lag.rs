//! `rating-lag`: how long after a review is posted the catalog shows the new rating.
//!
//! Against a running stack it signs up `--reviews` reviewers (not timed). Then each posts one
//! review through the gateway, `--concurrency` at a time, and times two things from the moment
//! the review was sent: until the reviews page shows the new rating (what the reviews MFE
//! shows at once) and until the catalog's product does (its copy, fed by
//! `reviews.rating-changed`: what the catalog MFE shows). The catalog has caught up once its
//! rating revision reaches the one the reviews page reported. Prints one JSON line with the
//! percentiles and how many ratings never reached the catalog within the deadline.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use contracts::catalog::ProductDetail;
use contracts::reviews::{ReviewView, ReviewsPage, WriteReviewRequest};
use futures::{stream, StreamExt, TryStreamExt};
use mercado_load::percentile;
use mercado_load::shoppers::{self, ok_json};
use serde::Serialize;

/// How long one rating may take to reach the catalog before it counts as missing.
const DEADLINE: Duration = Duration::from_secs(10);
/// Between two reads of the catalog's product: the measurement's resolution.
const POLL: Duration = Duration::from_millis(5);

/// What the run measured.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    reviews: usize,
    missing: usize,
    own_p50_ms: f64,
    own_p99_ms: f64,
    catalog_p50_ms: f64,
    catalog_p99_ms: f64,
}

/// One review's two delays (`catalog` is `None` when it never arrived).
struct Lag {
    own: Duration,
    catalog: Option<Duration>,
}

struct Args {
    base: String,
    reviews: usize,
    concurrency: usize,
}

fn args() -> Result<Args> {
    let mut args = Args {
        base: "http://127.0.0.1:8080".into(),
        reviews: 200,
        concurrency: 4,
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let value = given.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--base" => args.base = value,
            "--reviews" => args.reviews = value.parse()?,
            "--concurrency" => args.concurrency = value.parse()?,
            _ => anyhow::bail!("unknown flag {flag}"),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = args()?;
    let http = reqwest::Client::new();
    eprintln!("signing up {} reviewers…", args.reviews);
    let run = uuid::Uuid::new_v4().simple().to_string();
    let tokens: Vec<String> = stream::iter(0..args.reviews)
        .map(|n| shoppers::register(&http, &args.base, shoppers::email(&run, n)))
        .buffer_unordered(shoppers::SIGNING_UP)
        .try_collect()
        .await?;

    eprintln!(
        "posting {} reviews, {} at a time…",
        tokens.len(),
        args.concurrency
    );
    let lags: Vec<Lag> = stream::iter(tokens.iter().enumerate())
        .map(|(n, token)| review_and_watch(&http, &args.base, token, n as i64 % shoppers::PRODUCTS + 1, n))
        .buffer_unordered(args.concurrency)
        .try_collect()
        .await?;

    let own: Vec<Duration> = lags.iter().map(|l| l.own).collect();
    let catalog: Vec<Duration> = lags.iter().filter_map(|l| l.catalog).collect();
    let report = Report {
        reviews: lags.len(),
        missing: lags.len() - catalog.len(),
        own_p50_ms: percentile(&own, 0.50),
        own_p99_ms: percentile(&own, 0.99),
        catalog_p50_ms: percentile(&catalog, 0.50),
        catalog_p99_ms: percentile(&catalog, 0.99),
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

/// Posts a review of `product` and times until the reviews page, then the catalog, show it.
async fn review_and_watch(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    product: i64,
    n: usize,
) -> Result<Lag> {
    let review = WriteReviewRequest {
        rating: (n % 5 + 1) as i64,
        title: format!("Review number {n}"),
        body: "Measured by the rating-lag benchmark.".into(),
    };
    let sent = Instant::now();
    let _: ReviewView = ok_json(
        http.put(format!("{base}/api/reviews/products/{product}/reviews/mine"))
            .bearer_auth(token)
            .json(&review),
    )
    .await
    .context("posting a review")?;
    let page: ReviewsPage =
        ok_json(http.get(format!("{base}/api/reviews/products/{product}/reviews"))).await?;
    let own = sent.elapsed();
    let wanted = page.summary.revision;
    while sent.elapsed() < DEADLINE {
        let detail: ProductDetail =
            ok_json(http.get(format!("{base}/api/catalog/products/{product}"))).await?;
        if detail.summary.rating.revision >= wanted {
            return Ok(Lag {
                own,
                catalog: Some(sent.elapsed()),
            });
        }
        tokio::time::sleep(POLL).await;
    }
    Ok(Lag { own, catalog: None })
}
