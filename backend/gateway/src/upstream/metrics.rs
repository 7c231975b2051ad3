//! What the gateway counts per service, for `/metrics` and the dashboard in `deploy/grafana/`.
//!
//! Labels are only the service's name (from the configured table, never from the request
//! path, so a client cannot mint series) and the answer's status class.

use std::time::Duration;

use http::StatusCode;

/// Answers given for a service, by `service` and status `class` (`2xx`…`5xx`), including the
/// gateway's own 413/502/503/504 for it.
pub const REQUESTS: &str = "gateway_upstream_requests_total";
/// Time until the answer's head, by `service` (a histogram).
pub const RESPONSE_SECONDS: &str = "gateway_upstream_response_seconds";
/// Calls refused at once because every address's breaker was open, by `service`.
pub const REFUSED: &str = "gateway_upstream_refused_total";
/// Reads sent again to another address after a connect failure, by `service`.
pub const RETRIES: &str = "gateway_upstream_retries_total";
/// Answers cut off at the whole-answer deadline, by `service`.
pub const CUT: &str = "gateway_upstream_cut_total";

/// Makes `service`'s rare-event counters exist at zero, so a dashboard (and an alert on their
/// rate) sees a series before the first refusal, retry or cut.
pub fn register(service: &'static str) {
    // The recorder first: a series registered before it is installed would go nowhere.
    kit::health::prometheus();
    for name in [REFUSED, RETRIES, CUT] {
        metrics::counter!(name, "service" => service).increment(0);
    }
}

/// The label of `status`'s class: `1xx` … `5xx` (five values, whatever the answers).
pub fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// Counts one answer for `service` and how long its head took.
pub fn record_answer(service: &'static str, status: StatusCode, took: Duration) {
    let class = status_class(status);
    metrics::counter!(REQUESTS, "service" => service, "class" => class).increment(1);
    metrics::histogram!(RESPONSE_SECONDS, "service" => service).record(took.as_secs_f64());
}

/// Counts a call refused by the breakers.
pub fn record_refusal(service: &'static str) {
    metrics::counter!(REFUSED, "service" => service).increment(1);
}

/// Counts a retry at another address.
pub fn record_retry(service: &'static str) {
    metrics::counter!(RETRIES, "service" => service).increment(1);
}

/// Counts an answer cut at its deadline.
pub fn record_cut(service: &'static str) {
    metrics::counter!(CUT, "service" => service).increment(1);
}
