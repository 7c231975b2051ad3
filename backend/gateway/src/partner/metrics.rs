//! What the gateway counts per partner key, for `/metrics`.
//!
//! Labelled by the key's id (never its secret) and the status class. Keys are issued by an
//! admin, so the series stay few; requests with no working key share the id `none`, so
//! made-up keys cannot mint series.

use http::StatusCode;

/// Partner API answers by `key` (its id, or `none`) and status `class` (`2xx`…`5xx`).
pub const REQUESTS: &str = "gateway_partner_requests_total";

/// Counts one answer for the key with id `key` (`None`: no working key).
pub fn record(key: Option<&str>, status: StatusCode) {
    let class = crate::upstream::metrics::status_class(status);
    let key = key.unwrap_or("none").to_string();
    metrics::counter!(REQUESTS, "key" => key, "class" => class).increment(1);
}
