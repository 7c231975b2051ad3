//! What time it is for the sign-in throttle: the system clock, or one a test moves by hand so
//! a quarter-hour window can pass without waiting a quarter of an hour.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The time source of windowed counting (cheap to clone; clones share one time).
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    /// The system clock (what the service runs on).
    pub fn system() -> Self {
        Self(None)
    }

    /// A clock that starts at the system's now and moves only by [`Clock::advance`].
    pub fn manual() -> Self {
        Self(Some(Arc::new(AtomicI64::new(kit::clock::unix_millis()))))
    }

    /// Now, in Unix milliseconds.
    pub fn now_millis(&self) -> i64 {
        match &self.0 {
            Some(manual) => manual.load(Ordering::SeqCst),
            None => kit::clock::unix_millis(),
        }
    }

    /// Moves a manual clock forward; the system clock moves by itself and ignores this.
    pub fn advance(&self, by: Duration) {
        if let Some(manual) = &self.0 {
            let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
            manual.fetch_add(by, Ordering::SeqCst);
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Clock::manual"
        } else {
            "Clock::system"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_clones_share_it() {
        let clock = Clock::manual();
        let start = clock.now_millis();
        let shared = clock.clone();
        shared.advance(Duration::from_secs(90));
        assert_eq!(clock.now_millis(), start + 90_000);
    }
}
