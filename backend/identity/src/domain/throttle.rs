//! The rule of windowed counting: at most `limit` counted attempts in any `span`.
//!
//! Pure, so the arithmetic (when does the next attempt fit?) is tested here; the counting
//! itself is in identity's database ([`crate::throttle`]).

use std::time::Duration;

/// At most `limit` attempts in any `span` (a sliding window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Attempts allowed in a span (at least one: a limit is strict, never a wall).
    pub limit: u32,
    /// The span.
    pub span: Duration,
}

impl Window {
    /// `limit` per `span`; a zero limit is raised to one.
    pub fn new(limit: u32, span: Duration) -> Self {
        Self {
            limit: limit.max(1),
            span,
        }
    }

    /// The span in milliseconds (the unit attempts are stored in).
    pub fn span_millis(&self) -> i64 {
        i64::try_from(self.span.as_millis()).unwrap_or(i64::MAX)
    }

    /// The oldest time (exclusive, Unix ms) still inside the window ending `now`.
    pub fn since(&self, now: i64) -> i64 {
        now.saturating_sub(self.span_millis())
    }

    /// Whether one more attempt fits, given the times (Unix ms, newest first) of at most the
    /// `limit` newest attempts inside the window; if not, how long until it would.
    pub fn admits(&self, newest_first: &[i64], now: i64) -> Result<(), Duration> {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        match newest_first.get(limit.max(1) - 1) {
            None => Ok(()),
            // When the limit-th newest attempt leaves the window, one place is free.
            Some(&at) => {
                let wait = at.saturating_add(self.span_millis()).saturating_sub(now);
                Err(Duration::from_millis(u64::try_from(wait).unwrap_or(0)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_the_limit_is_admitted() {
        let window = Window::new(3, Duration::from_secs(60));
        assert_eq!(window.admits(&[], 1_000_000), Ok(()));
        assert_eq!(window.admits(&[999_000, 998_000], 1_000_000), Ok(()));
    }

    #[test]
    fn at_the_limit_waits_until_the_oldest_counted_attempt_leaves() {
        let window = Window::new(3, Duration::from_secs(60));
        let now = 1_000_000;
        // Attempts 10 s, 20 s and 50 s ago: the one 50 s ago leaves in 10 s.
        let wait = window.admits(&[now - 10_000, now - 20_000, now - 50_000], now);
        assert_eq!(wait, Err(Duration::from_secs(10)));
    }

    #[test]
    fn zero_is_raised_to_one_and_the_window_start_is_span_ago() {
        let window = Window::new(0, Duration::from_secs(900));
        assert_eq!(window.limit, 1);
        assert!(window.admits(&[5], 10).is_err());
        assert_eq!(window.since(1_000_000), 100_000);
    }
}
