//! Tracing setup: one call at start, human-readable logs by default, JSON with `LOG_FORMAT=json`.
//!
//! Every HTTP log line carries the request id through the span opened in [`crate::http`].
//! It must never log request bodies, passwords or tokens.

use tracing_subscriber::{fmt, EnvFilter};

/// Installs the global subscriber for `service`; a second call (tests) is a no-op.
pub fn init(service: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=info"));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let result = if json {
        fmt()
            .with_env_filter(filter)
            .json()
            .with_current_span(true)
            .try_init()
    } else {
        fmt().with_env_filter(filter).with_target(false).try_init()
    };
    if result.is_ok() {
        tracing::info!(service, "telemetry initialised");
    }
}
