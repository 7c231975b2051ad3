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

/// The status classes, the labels of answers.
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// The position of `status`'s class in [`CLASSES`] (anything past 5xx counts as one).
fn class_index(status: StatusCode) -> usize {
    usize::from(status.as_u16() / 100).clamp(1, CLASSES.len()) - 1
}

/// The label of `status`'s class: `1xx` … `5xx` (five values, whatever the answers).
pub fn status_class(status: StatusCode) -> &'static str {
    CLASSES[class_index(status)]
}

/// One service's answer counters (one per status class) and head-time histogram, resolved
/// once: `counter!` with labels builds and hashes its key and looks it up in the registry on
/// every call, which the proxy would pay per request.
pub struct Answers {
    by_class: [metrics::Counter; 5],
    seconds: metrics::Histogram,
}

impl Answers {
    /// The handles of `service`'s series (no-ops when no recorder is installed yet).
    pub fn new(service: &'static str) -> Self {
        // The recorder first, as in `register`: a handle taken before it exists counts nothing.
        kit::health::prometheus();
        let counter =
            |class: &'static str| metrics::counter!(REQUESTS, "service" => service, "class" => class);
        Self {
            by_class: CLASSES.map(counter),
            seconds: metrics::histogram!(RESPONSE_SECONDS, "service" => service),
        }
    }

    /// Counts one answer and how long its head took.
    pub fn record(&self, status: StatusCode, took: Duration) {
        self.by_class[class_index(status)].increment(1);
        self.seconds.record(took.as_secs_f64());
    }
}

impl std::fmt::Debug for Answers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answers").finish_non_exhaustive()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_has_one_of_five_classes() {
        let class = |code: u16| status_class(StatusCode::from_u16(code).unwrap());
        assert_eq!(class(101), "1xx");
        assert_eq!(class(200), "2xx");
        assert_eq!(class(304), "3xx");
        assert_eq!(class(429), "4xx");
        assert_eq!(class(503), "5xx");
        assert_eq!(class(999), "5xx");
    }
}
