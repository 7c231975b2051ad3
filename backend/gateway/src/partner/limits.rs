//! Per-key limits for the partner API: a per-second rate (a token bucket per key id) and a
//! daily quota (counted by [`super::keys`]), each answer carrying the IETF RateLimit headers
//! (draft-ietf-httpapi-ratelimit-headers-11):
//!
//! ```text
//! RateLimit-Policy: "burst";q=5;w=1, "daily";q=1000;w=86400
//! RateLimit: "burst";r=4;t=1, "daily";r=998;t=40213
//! ```
//!
//! A token bucket rather than `kit::ratelimit` (governor): the headers need the allowance
//! left, which a yes/no limiter does not tell, and keys are few, so one small map is enough.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use contracts::partner::{TierLimits, API_KEY_HEADER};
use http::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use kit::ratelimit::RateLimited;
use std::net::{IpAddr, Ipv4Addr};

use super::error::PartnerError;
use super::keys::{key_hash, Cached, KeyError, Known};
use super::metrics;
use super::PartnerState;
use crate::context::Arrival;

const DAY_SECONDS: u64 = 86_400;
static POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
static RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");

/// One key's per-second allowance.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// What one take from a bucket found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Take {
    /// Whether the request may go.
    pub allowed: bool,
    /// Whole requests left in the bucket after it.
    pub remaining: u32,
    /// Until one more request would be allowed (zero when one is).
    pub retry_after: Duration,
    /// Until the bucket is full again.
    pub full_in: Duration,
}

/// Token buckets by key id.
#[derive(Debug, Default)]
pub struct Buckets(Mutex<HashMap<String, Bucket>>);

impl Buckets {
    /// Takes one request from key `id`'s bucket at `now`, refilled at the tier's rate up to
    /// its burst.
    pub fn take(&self, id: &str, limits: TierLimits, now: Instant) -> Take {
        let rate = f64::from(limits.per_second.max(1));
        let capacity = f64::from(limits.burst.max(1));
        let mut buckets = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = buckets.entry(id.to_string()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.at = now;
        let allowed = bucket.tokens >= 1.0;
        if allowed {
            bucket.tokens -= 1.0;
        }
        let seconds = |tokens: f64| Duration::from_secs_f64((tokens / rate).max(0.0));
        Take {
            allowed,
            remaining: bucket.tokens.floor() as u32,
            retry_after: if allowed {
                Duration::ZERO
            } else {
                seconds(1.0 - bucket.tokens)
            },
            full_in: seconds(capacity - bucket.tokens),
        }
    }
}

/// The UTC day now (days since 1970-01-01) and the seconds until the next one begins.
pub fn utc_day() -> (i64, u64) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    ((now / DAY_SECONDS) as i64, DAY_SECONDS - now % DAY_SECONDS)
}

/// Whole seconds, rounded up and at least one: "0" would invite a retry that fails again.
fn whole_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// Both headers for a key of `limits`, with `burst` and `daily_left` as they are now.
pub fn headers(limits: TierLimits, burst: &Take, daily_left: u64, day_ends_in: u64) -> HeaderMap {
    let policy = format!(
        "\"burst\";q={};w=1, \"daily\";q={};w={DAY_SECONDS}",
        limits.per_second, limits.daily
    );
    let state = format!(
        "\"burst\";r={};t={}, \"daily\";r={daily_left};t={day_ends_in}",
        burst.remaining,
        burst.full_in.as_secs() + u64::from(burst.full_in.subsec_nanos() > 0),
    );
    let mut map = HeaderMap::new();
    for (name, value) in [(&POLICY, policy), (&RATELIMIT, state)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            map.insert(name.clone(), value);
        }
    }
    map
}

/// Middleware on `/partner`: the key must work, and its rate and quota have room; the answer
/// carries the key's RateLimit headers and is counted in the metrics by key id.
pub async fn guard(State(state): State<PartnerState>, request: Request, next: Next) -> Response {
    // Read before any await: a request (its body) is not shared across threads.
    let sent = request.headers().get(API_KEY_HEADER).cloned();
    let client = Arrival::of(request.extensions())
        .and_then(|a| a.client.as_ref())
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.address);
    let known = match resolve(&state, sent, client).await {
        Ok(known) => known,
        Err(err) => {
            let response = err.into_response();
            metrics::record(None, response.status());
            return response;
        }
    };
    let (hash, known) = known;
    let limits = state.partner.settings.limits(known.tier);
    let (_, day_ends_in) = utc_day();
    let burst = state.partner.buckets.take(&known.id, limits, Instant::now());
    let response = if !burst.allowed {
        let left = limits.daily.saturating_sub(known.used_today);
        limited(burst.retry_after, headers(limits, &burst, left, day_ends_in))
    } else {
        match state.partner.keys.count(&hash, limits.daily) {
            Some(left) => {
                let mut response = next.run(request).await;
                response
                    .headers_mut()
                    .extend(headers(limits, &burst, left, day_ends_in));
                response
            }
            None => limited(
                Duration::from_secs(day_ends_in),
                headers(limits, &burst, 0, day_ends_in),
            ),
        }
    };
    metrics::record(Some(&known.id), response.status());
    response
}

/// The key of the request, from the cache or from identity (keys it has not seen working are
/// asked about at a rate limited per client address).
async fn resolve(
    state: &PartnerState,
    sent: Option<HeaderValue>,
    client: IpAddr,
) -> Result<(String, Known), PartnerError> {
    let sent = sent.ok_or(KeyError::Missing)?;
    let sent = sent.to_str().map_err(|_| KeyError::Unknown)?;
    let hash = key_hash(sent.trim())?;
    let (today, _) = utc_day();
    match state.partner.keys.cached(&hash, today) {
        Cached::Fresh(known) => return Ok((hash, known)),
        // A working key's refresh is never refused: a busy partner's requests in flight while
        // its answer expires must not read as a flood.
        Cached::Stale => {}
        Cached::Absent => state
            .partner
            .lookups
            .check(&client)
            .map_err(PartnerError::Lookups)?,
    }
    let known = state.partner.keys.refresh(&hash, today).await?;
    Ok((hash, known))
}

/// A 429 problem with `Retry-After` and the RateLimit headers.
fn limited(wait: Duration, rate_headers: HeaderMap) -> Response {
    let mut response = RateLimited { retry_after: wait }.into_response();
    response.headers_mut().extend(rate_headers);
    if let Ok(value) = HeaderValue::from_str(&whole_seconds(wait).to_string()) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const FREE: TierLimits = TierLimits {
        per_second: 5,
        burst: 5,
        daily: 1000,
    };

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_its_rate() {
        let buckets = Buckets::default();
        let start = Instant::now();
        for left in (0..5).rev() {
            let take = buckets.take("k", FREE, start);
            assert!(take.allowed);
            assert_eq!(take.remaining, left);
        }
        let refused = buckets.take("k", FREE, start);
        assert!(!refused.allowed);
        assert_eq!(refused.retry_after, Duration::from_millis(200));
        assert!(buckets.take("other", FREE, start).allowed, "keys are independent");
        assert!(
            buckets
                .take("k", FREE, start + Duration::from_millis(200))
                .allowed
        );
    }

    #[test]
    fn the_headers_follow_the_draft() {
        let take = Take {
            allowed: true,
            remaining: 4,
            retry_after: Duration::ZERO,
            full_in: Duration::from_millis(200),
        };
        let map = headers(FREE, &take, 998, 40_213);
        assert_eq!(
            map["ratelimit-policy"],
            "\"burst\";q=5;w=1, \"daily\";q=1000;w=86400"
        );
        assert_eq!(map["ratelimit"], "\"burst\";r=4;t=1, \"daily\";r=998;t=40213");
    }

    #[test]
    fn a_day_is_counted_in_utc() {
        let (day, ends_in) = utc_day();
        assert!(day > 20_000);
        assert!((1..=DAY_SECONDS).contains(&ends_in));
    }
}
