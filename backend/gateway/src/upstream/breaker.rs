//! A circuit breaker for one upstream address.
//!
//! After `threshold` failures in a row the breaker opens: calls fail fast for `open_for`
//! instead of each waiting for a connect error or a timeout. Then one call is let through as a
//! probe; its success closes the breaker, its failure opens it again. A probe that ends without
//! an outcome (the client went away) lets the next call probe instead, so the breaker can never
//! stay half-open for good.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// When to open and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerPolicy {
    /// Failures in a row that open the breaker.
    pub threshold: u32,
    /// How long it stays open before a probe.
    pub open_for: Duration,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        Self {
            threshold: 5,
            open_for: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed {
        failures: u32,
    },
    Open {
        until: Instant,
    },
    /// One probe is out; everyone else waits for its outcome.
    Probing,
}

/// One address's breaker.
#[derive(Debug)]
pub struct Breaker {
    policy: BreakerPolicy,
    state: Mutex<State>,
}

/// Leave to make one call; report how it went with [`Permit::succeeded`] or [`Permit::failed`].
#[derive(Debug)]
#[must_use = "a permit reports the call's outcome"]
pub struct Permit<'a> {
    breaker: &'a Breaker,
    probe: bool,
    reported: bool,
}

/// The breaker is open: try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Open {
    /// Until the next probe may go out.
    pub retry_after: Duration,
}

/// How long callers are told to wait while a probe is out.
const WHILE_PROBING: Duration = Duration::from_secs(1);

impl Breaker {
    /// A closed breaker.
    pub fn new(policy: BreakerPolicy) -> Self {
        Self {
            policy,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }

    /// A permit for one call, or how long to wait while the breaker is open.
    pub fn admit(&self) -> Result<Permit<'_>, Open> {
        let mut state = self.lock();
        match *state {
            State::Closed { .. } => Ok(self.permit(false)),
            State::Open { until } => {
                let now = Instant::now();
                if now < until {
                    return Err(Open {
                        retry_after: until - now,
                    });
                }
                *state = State::Probing;
                Ok(self.permit(true))
            }
            State::Probing => Err(Open {
                retry_after: WHILE_PROBING,
            }),
        }
    }

    /// Whether calls are failing fast right now (for readiness and metrics).
    pub fn is_open(&self) -> bool {
        !matches!(*self.lock(), State::Closed { .. })
    }

    fn permit(&self, probe: bool) -> Permit<'_> {
        Permit {
            breaker: self,
            probe,
            reported: false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a plain value: one left by a panicking holder is still consistent.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn record(&self, probe: bool, ok: bool) {
        let mut state = self.lock();
        let open = State::Open {
            until: Instant::now() + self.policy.open_for,
        };
        *state = match (*state, ok) {
            (_, true) => State::Closed { failures: 0 },
            (State::Probing, false) if probe => open,
            (State::Closed { failures }, false) if failures + 1 >= self.policy.threshold => {
                tracing::warn!(failures = failures + 1, "upstream circuit opened");
                open
            }
            (State::Closed { failures }, false) => State::Closed {
                failures: failures + 1,
            },
            // A call admitted before the breaker opened failed too: it stays as it is.
            (other, false) => other,
        };
    }

    fn abandon(&self, probe: bool) {
        let mut state = self.lock();
        if probe && *state == State::Probing {
            *state = State::Open {
                until: Instant::now(),
            };
        }
    }
}

impl Permit<'_> {
    /// The call got an answer from the upstream.
    pub fn succeeded(mut self) {
        self.reported = true;
        self.breaker.record(self.probe, true);
    }

    /// The call could not reach the upstream, or it timed out or said it is unavailable.
    pub fn failed(mut self) {
        self.reported = true;
        self.breaker.record(self.probe, false);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.reported {
            self.breaker.abandon(self.probe);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker(open_for: Duration) -> Breaker {
        Breaker::new(BreakerPolicy {
            threshold: 3,
            open_for,
        })
    }

    fn fail(b: &Breaker, times: u32) {
        for _ in 0..times {
            b.admit().expect("admitted").failed();
        }
    }

    #[test]
    fn opens_after_the_threshold_of_failures_in_a_row() {
        let b = breaker(Duration::from_secs(60));
        fail(&b, 2);
        b.admit().expect("still closed").succeeded();
        fail(&b, 2);
        assert!(!b.is_open(), "a success in between starts the count again");
        fail(&b, 1);
        let open = b.admit().expect_err("open after three in a row");
        assert!(open.retry_after > Duration::from_secs(59), "{open:?}");
    }

    #[test]
    fn after_the_pause_one_probe_goes_out_and_its_success_closes() {
        let b = breaker(Duration::ZERO);
        fail(&b, 3);
        let probe = b.admit().expect("the pause is over: a probe");
        assert_eq!(
            b.admit().expect_err("one probe at a time").retry_after,
            WHILE_PROBING
        );
        probe.succeeded();
        assert!(!b.is_open());
        b.admit().expect("closed again").succeeded();
    }

    #[test]
    fn a_failed_probe_opens_again_and_an_abandoned_one_lets_the_next_call_probe() {
        let b = breaker(Duration::from_millis(0));
        fail(&b, 3);
        b.admit().expect("probe").failed();
        assert!(b.is_open());
        drop(b.admit().expect("next probe"));
        b.admit()
            .expect("an abandoned probe does not block the next")
            .succeeded();
        assert!(!b.is_open());
    }
}
