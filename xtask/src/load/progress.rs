//! The live progress line: elapsed, shoppers, total and recent requests/s, errors, orders —
//! one line rewritten in place on a terminal, a new line every ten seconds in a log.

use std::io::{IsTerminal, Write};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::api::Shared;
use super::checkout::Orders;

/// What the line shows at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    /// Since the shoppers started.
    pub elapsed: Duration,
    /// The run's planned length.
    pub planned: Duration,
    /// Shoppers running.
    pub users: usize,
    /// Requests so far.
    pub requests: u64,
    /// Requests in the last second.
    pub recent_rps: f64,
    /// Failed requests so far.
    pub errors: u64,
    /// Orders placed and paid so far.
    pub orders: (u64, u64),
}

/// The line for `m` (no line break: the caller rewrites or ends it).
pub fn line(m: &Moment) -> String {
    let seconds = m.elapsed.as_secs_f64();
    format!(
        "[{:>4.0}s / {}s] users {} | {} requests, {:.1} rps (now {:.0}) | errors {} | orders {} placed, {} paid",
        seconds,
        m.planned.as_secs(),
        m.users,
        m.requests,
        m.requests as f64 / seconds.max(f64::EPSILON),
        m.recent_rps,
        m.errors,
        m.orders.0,
        m.orders.1,
    )
}

/// Prints the line until the returned task is aborted.
pub fn spawn(
    stats: Shared,
    orders: Arc<Orders>,
    users: usize,
    planned: Duration,
) -> tokio::task::JoinHandle<()> {
    let started = Instant::now();
    let terminal = std::io::stderr().is_terminal();
    tokio::spawn(async move {
        let mut last = 0;
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.tick().await;
        loop {
            tick.tick().await;
            let (requests, errors) = stats.lock().map(|s| s.totals()).unwrap_or_default();
            let moment = Moment {
                elapsed: started.elapsed(),
                planned,
                users,
                requests,
                recent_rps: requests.saturating_sub(last) as f64,
                errors,
                orders: (
                    orders.placed.load(Ordering::Relaxed),
                    orders.paid.load(Ordering::Relaxed),
                ),
            };
            last = requests;
            show(&line(&moment), terminal, moment.elapsed);
        }
    })
}

fn show(text: &str, terminal: bool, elapsed: Duration) {
    let mut err = std::io::stderr();
    if terminal {
        // `\x1b[K` clears what a longer earlier line left behind.
        let _ = write!(err, "\r{text}\x1b[K");
        let _ = err.flush();
    } else if elapsed.as_secs().is_multiple_of(10) {
        let _ = writeln!(err, "{text}");
    }
}

/// Ends the rewritten line so what follows starts on its own.
pub fn finish() {
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_time_users_rates_errors_and_orders() {
        let moment = Moment {
            elapsed: Duration::from_secs(12),
            planned: Duration::from_secs(60),
            users: 20,
            requests: 2400,
            recent_rps: 210.0,
            errors: 3,
            orders: (14, 12),
        };
        assert_eq!(
            line(&moment),
            "[  12s / 60s] users 20 | 2400 requests, 200.0 rps (now 210) | errors 3 | orders 14 placed, 12 paid"
        );
    }
}
