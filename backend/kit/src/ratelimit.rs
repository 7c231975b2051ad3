//! Keyed rate limits (GCRA, from the `governor` crate) answered with `429` + `Retry-After`.
//!
//! The gateway limits each client overall and guards sign-in/register against floods, per IP.
//! Limits live in each process's memory: with several replicas a client gets each replica's
//! allowance, fine for coarse guards. Password guessing needs exact counts across replicas, so
//! identity counts failed sign-ins in its database instead (docs/decisions/0013); it answers
//! with [`RateLimited`] all the same.

use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use contracts::problem::Problem;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::problem::ProblemResponse;

/// Forget idle keys every this many checks, so memory stays bounded under key churn.
const SWEEP_EVERY: u64 = 4096;

/// A limit per key (client IP, email…).
pub struct KeyedLimit<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    clock: DefaultClock,
    checks: AtomicU64,
}

/// The request was over its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimited {
    /// How long until one more request would be allowed.
    pub retry_after: Duration,
}

impl<K: Hash + Eq + Clone> KeyedLimit<K> {
    /// `per_period` requests per `period` per key, with bursts up to `burst`.
    ///
    /// Zero values are raised to one: a limit can be strict but never a wall.
    pub fn new(per_period: u32, period: Duration, burst: u32) -> Self {
        let per_period = NonZeroU32::new(per_period).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let replenish = period / per_period.get();
        let quota = Quota::with_period(replenish.max(Duration::from_nanos(1)))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        Self {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
            checks: AtomicU64::new(0),
        }
    }

    /// Takes one request from `key`'s allowance, or says how long to wait.
    pub fn check(&self, key: &K) -> Result<(), RateLimited> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(key).map_err(|not_until| RateLimited {
            retry_after: not_until.wait_time_from(self.clock.now()),
        })
    }
}

impl IntoResponse for RateLimited {
    fn into_response(self) -> Response {
        // Round up: "Retry-After: 0" would invite an immediate retry that fails again.
        let seconds = self.retry_after.as_secs() + u64::from(self.retry_after.subsec_nanos() > 0);
        let seconds = seconds.max(1);
        let problem = Problem::new("rate-limited", "Too many requests", 429)
            .with_detail(format!("Please wait {seconds} s before trying again."));
        let mut response = ProblemResponse(problem).into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_over_its_burst_waits_and_others_do_not() {
        let limit = KeyedLimit::new(1, Duration::from_secs(60), 3);
        for _ in 0..3 {
            assert!(limit.check(&"a").is_ok());
        }
        let refused = limit.check(&"a").unwrap_err();
        assert!(refused.retry_after > Duration::from_secs(50), "{refused:?}");
        assert!(limit.check(&"b").is_ok(), "keys are independent");
    }

    #[test]
    fn refusal_is_a_429_problem_with_retry_after() {
        let response = RateLimited {
            retry_after: Duration::from_millis(1500),
        }
        .into_response();
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
    }
}
