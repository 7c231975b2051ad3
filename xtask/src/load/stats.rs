//! What every request took, per step: an HDR histogram of latencies (microseconds, three
//! significant digits: exact enough for p99 at any count, in constant memory) and the errors
//! by kind. A step is one kind of request, as Locust reports per request name.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;

/// One kind of request a shopper sends (or, for [`Step::Settled`], a span of the saga).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// `POST /api/identity/sessions`.
    SignIn,
    /// `POST /api/identity/users`.
    Register,
    /// `GET /api/catalog/categories`.
    Categories,
    /// `GET /api/catalog/products?page=…` (the grid).
    ProductList,
    /// `GET /api/catalog/products?q=…`.
    Search,
    /// `GET /api/catalog/products/{id}`.
    Product,
    /// `GET /api/reviews/products/{id}/reviews`.
    Reviews,
    /// `GET /api/inventory/stock/{id}`.
    Stock,
    /// `POST /api/cart/items`.
    AddToCart,
    /// `GET /api/cart`.
    Cart,
    /// `GET /api/orders/preview` (the checkout page's review).
    Preview,
    /// `POST /api/orders` with an idempotency key.
    PlaceOrder,
    /// `GET /api/orders/{id}`, as the checkout and order pages poll it.
    OrderStatus,
    /// `POST …/sandbox/checkout/{session}/pay`.
    Pay,
    /// `POST …/sandbox/checkout/{session}/decline`.
    Decline,
    /// From placing an order to seeing it PAID or CANCELLED (not a request: the saga).
    Settled,
}

impl Step {
    /// The name in the summary.
    pub fn name(self) -> &'static str {
        match self {
            Step::SignIn => "sign in",
            Step::Register => "register",
            Step::Categories => "categories",
            Step::ProductList => "product list",
            Step::Search => "search",
            Step::Product => "product",
            Step::Reviews => "reviews",
            Step::Stock => "stock",
            Step::AddToCart => "add to cart",
            Step::Cart => "cart",
            Step::Preview => "checkout preview",
            Step::PlaceOrder => "place order",
            Step::OrderStatus => "order status",
            Step::Pay => "pay",
            Step::Decline => "decline",
            Step::Settled => "placed → settled",
        }
    }
}

/// Latencies above this are recorded as this (a request timeout is shorter).
const MAX_MICROS: u64 = 120_000_000;

/// What one step's requests took and how they failed.
#[derive(Debug, Clone)]
pub struct StepStats {
    latencies: Histogram<u64>,
    errors: BTreeMap<String, u64>,
}

impl StepStats {
    fn new() -> StepStats {
        StepStats {
            // Bounds and precision are constants that the crate accepts (1 ≤ low, 2·low ≤
            // high, sigfig ≤ 5), so this cannot fail.
            latencies: Histogram::new_with_bounds(1, MAX_MICROS, 3).unwrap_or_else(|_| unreachable!()),
            errors: BTreeMap::new(),
        }
    }
}

/// Every step's figures over one stretch of a run.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    steps: BTreeMap<Step, StepStats>,
}

impl Stats {
    /// Counts a request of `step` that took `took`; `error` names how it failed, if it did.
    /// Failed requests count in the latencies too (as Locust's do): a timeout is slow.
    pub fn record(&mut self, step: Step, took: Duration, error: Option<String>) {
        let entry = self.steps.entry(step).or_insert_with(StepStats::new);
        let micros = u64::try_from(took.as_micros()).unwrap_or(MAX_MICROS);
        entry.latencies.saturating_record(micros.clamp(1, MAX_MICROS));
        if let Some(kind) = error {
            *entry.errors.entry(kind).or_insert(0) += 1;
        }
    }

    /// Requests and errors over every step but [`Step::Settled`] (which is no request).
    pub fn totals(&self) -> (u64, u64) {
        self.steps
            .iter()
            .filter(|(step, _)| **step != Step::Settled)
            .fold((0, 0), |(requests, errors), (_, s)| {
                (
                    requests + s.latencies.len(),
                    errors + s.errors.values().sum::<u64>(),
                )
            })
    }

    /// One summary row per step seen, in [`Step`] order, rates over `elapsed`.
    pub fn rows(&self, elapsed: Duration) -> Vec<Row> {
        let seconds = elapsed.as_secs_f64().max(f64::EPSILON);
        self.steps
            .iter()
            .map(|(step, s)| Row {
                step: *step,
                count: s.latencies.len(),
                rps: s.latencies.len() as f64 / seconds,
                p50_ms: s.latencies.value_at_quantile(0.50) as f64 / 1000.0,
                p99_ms: s.latencies.value_at_quantile(0.99) as f64 / 1000.0,
                errors: s.errors.values().sum(),
                kinds: s.errors.iter().map(|(k, n)| (k.clone(), *n)).collect(),
            })
            .collect()
    }
}

/// One step's line in the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Which step.
    pub step: Step,
    /// Requests sent (answered or not).
    pub count: u64,
    /// Requests per second over the run.
    pub rps: f64,
    /// Median latency, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile latency, milliseconds.
    pub p99_ms: f64,
    /// Requests that failed.
    pub errors: u64,
    /// How they failed (e.g. `503`, `timeout`), with counts.
    pub kinds: Vec<(String, u64)>,
}

impl Row {
    /// `503 ×3, timeout ×1`, or empty.
    pub fn kinds_text(&self) -> String {
        self.kinds
            .iter()
            .map(|(kind, n)| format!("{kind} ×{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn percentiles_come_from_every_sample_of_the_step() {
        let mut stats = Stats::default();
        for n in 1..=100 {
            stats.record(Step::Product, ms(n), None);
        }
        let row = &stats.rows(Duration::from_secs(10))[0];
        assert_eq!(row.count, 100);
        assert!((row.rps - 10.0).abs() < 1e-9);
        // Three significant digits: within 0.1 % of the nearest-rank value.
        assert!((row.p50_ms - 50.0).abs() <= 0.05, "{row:?}");
        assert!((row.p99_ms - 99.0).abs() <= 0.1, "{row:?}");
        assert_eq!(row.errors, 0);
    }

    #[test]
    fn errors_are_counted_by_kind_and_in_the_latencies() {
        let mut stats = Stats::default();
        stats.record(Step::Cart, ms(5), None);
        stats.record(Step::Cart, ms(30_000), Some("timeout".into()));
        stats.record(Step::Cart, ms(2), Some("503".into()));
        stats.record(Step::Cart, ms(3), Some("503".into()));
        let row = &stats.rows(Duration::from_secs(1))[0];
        assert_eq!((row.count, row.errors), (4, 3));
        assert_eq!(row.kinds_text(), "503 ×2, timeout ×1");
        assert!(row.p99_ms >= 29_990.0, "{row:?}");
        assert_eq!(stats.totals(), (4, 3));
    }

    #[test]
    fn rows_follow_the_shopping_trip_and_the_saga_is_no_request() {
        let mut stats = Stats::default();
        stats.record(Step::Settled, ms(40), None);
        stats.record(Step::Search, ms(1), None);
        stats.record(Step::Categories, ms(1), None);
        let steps: Vec<Step> = stats.rows(ms(1000)).iter().map(|r| r.step).collect();
        assert_eq!(steps, [Step::Categories, Step::Search, Step::Settled]);
        assert_eq!(stats.totals(), (2, 0));
    }

    #[test]
    fn an_absurd_latency_is_capped_not_lost() {
        let mut stats = Stats::default();
        stats.record(Step::Pay, Duration::from_secs(10_000), None);
        let row = &stats.rows(ms(1000))[0];
        assert_eq!(row.count, 1);
        assert!(row.p50_ms >= 119_000.0, "{row:?}");
    }
}
