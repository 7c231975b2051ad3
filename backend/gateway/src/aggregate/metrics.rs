//! What the gateway counts about assembled pages, beside the per-service counts every part's
//! call adds to (`crate::upstream::metrics`).
//!
//! Labels come from fixed sets (the page's name, its parts, the outcomes), never from the
//! request, so a client cannot mint series.

use std::time::Duration;

use contracts::pages::{MissingReason, PagePart};

/// Parts fetched, by `page`, `part` and `outcome` (`ok` or the reason it is missing).
pub const PARTS: &str = "gateway_page_parts_total";
/// Pages answered, by `page` and `outcome`: `whole`, `partial` (some parts missing),
/// `refused` (a 4xx: bad id, no such product, bad token) or `failed` (a 5xx).
pub const PAGES: &str = "gateway_pages_total";
/// Time to answer a page, by `page` (a histogram).
pub const PAGE_SECONDS: &str = "gateway_page_seconds";

/// Outcomes a part is counted under.
const PART_OUTCOMES: [&str; 5] = ["ok", "timeout", "unavailable", "not-found", "invalid"];

/// How a page ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageOutcome {
    /// Every part present.
    Whole,
    /// Answered without some parts.
    Partial,
    /// A 4xx.
    Refused,
    /// A 5xx.
    Failed,
}

impl PageOutcome {
    fn as_str(self) -> &'static str {
        match self {
            PageOutcome::Whole => "whole",
            PageOutcome::Partial => "partial",
            PageOutcome::Refused => "refused",
            PageOutcome::Failed => "failed",
        }
    }
}

/// Makes `page`'s series exist at zero, so a dashboard (and an alert on the rate of missing
/// parts) sees them before the first failure.
pub fn register(page: &'static str, parts: &[PagePart]) {
    // The recorder first: a series registered before it is installed would go nowhere.
    kit::health::prometheus();
    for part in parts {
        for outcome in PART_OUTCOMES {
            metrics::counter!(PARTS, "page" => page, "part" => part.as_str(), "outcome" => outcome)
                .increment(0);
        }
    }
    for outcome in [
        PageOutcome::Whole,
        PageOutcome::Partial,
        PageOutcome::Refused,
        PageOutcome::Failed,
    ] {
        metrics::counter!(PAGES, "page" => page, "outcome" => outcome.as_str()).increment(0);
    }
}

/// Counts one part: present (`None`) or missing for `reason`.
pub fn record_part(page: &'static str, part: PagePart, missing: Option<MissingReason>) {
    let outcome = missing.map_or("ok", MissingReason::as_str);
    metrics::counter!(PARTS, "page" => page, "part" => part.as_str(), "outcome" => outcome).increment(1);
}

/// Counts one page answer and how long it took.
pub fn record_page(page: &'static str, outcome: PageOutcome, took: Duration) {
    metrics::counter!(PAGES, "page" => page, "outcome" => outcome.as_str()).increment(1);
    metrics::histogram!(PAGE_SECONDS, "page" => page).record(took.as_secs_f64());
}
