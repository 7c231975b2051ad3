//! Load drivers for `cargo xtask bench`: shoppers driven through the gateway the way a
//! browser would, and what the bus says happened. Each binary in `src/bin` measures one
//! thing and prints one JSON line; it never decides whether a number is good (that is
//! BENCHMARKS.md's job).

pub mod shoppers;
pub mod watch;

use std::time::Duration;

/// The `q` quantile of `values` in milliseconds (nearest rank), 0 when empty.
pub fn percentile(values: &[Duration], q: f64) -> f64 {
    let mut sorted: Vec<f64> = values.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}
