//! Which partner a key belongs to: asked of identity (which owns the keys) over NATS, by the
//! key's SHA-256, and cached for a short, stated time.
//!
//! The cache is what bounds revocation: an entry older than the TTL is never used, so a key
//! revoked at identity stops working on every replica within one TTL. The same question
//! carries this replica's count of the key's requests since it last asked (a batched
//! increment), and the answer brings back the day's total over every replica, so daily quotas
//! hold across replicas up to what each admits within one TTL.
//!
//! Only working keys are cached (at most one entry per issued key); made-up keys are never
//! stored, so they cannot grow the cache — the caller limits how often they are asked about.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use contracts::partner::{
    PartnerKeyGrant, PartnerKeyLookup, PartnerKeyReply, Tier, UsageReport, KEY_LENGTH, KEY_PREFIX,
};
use futures::future::BoxFuture;

/// Asks identity about one key hash (NATS in the service; tests may substitute).
pub type LookupSource =
    Arc<dyn Fn(PartnerKeyLookup) -> BoxFuture<'static, Result<PartnerKeyReply, String>> + Send + Sync>;

/// Why a key does not admit a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// No `x-api-key`.
    #[error("no API key")]
    Missing,
    /// Malformed, unknown or revoked.
    #[error("unknown API key")]
    Unknown,
    /// Identity could not be asked; nothing is admitted on a stale answer.
    #[error("partner keys unavailable: {0}")]
    Unavailable(String),
}

/// A working key as this replica knows it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    /// The key's id (for limits, metrics and logs; never the secret).
    pub id: String,
    /// Its tier.
    pub tier: Tier,
    /// Requests counted today: identity's total at the last answer plus this replica's since.
    pub used_today: u64,
}

/// The SHA-256 of a key as sent, or `Unknown` for what cannot be a key (no lookup needed).
pub fn key_hash(sent: &str) -> Result<String, KeyError> {
    if sent.len() != KEY_LENGTH || !sent.starts_with(KEY_PREFIX) {
        return Err(KeyError::Unknown);
    }
    Ok(kit::digest::sha256_hex(sent))
}

/// A key as the cache has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cached {
    /// Answered within the TTL, today: use it.
    Fresh(Known),
    /// A working key whose answer is too old: ask again.
    Stale,
    /// Never answered as working (or since revoked): perhaps a made-up key.
    Absent,
}

struct Entry {
    grant: PartnerKeyGrant,
    fetched: Instant,
    day: i64,
    /// Identity's total for `day` at the last answer, plus what was reported since.
    counted: u64,
    /// Admitted here and not yet reported.
    unreported: u64,
}

impl Entry {
    fn known(&self) -> Known {
        Known {
            id: self.grant.id.clone(),
            tier: self.grant.tier,
            used_today: self.counted + self.unreported,
        }
    }
}

/// Working keys by hash, each for at most the TTL.
pub struct KeyCache {
    source: LookupSource,
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

impl KeyCache {
    /// A cache that asks `source` and trusts an answer for `ttl`.
    pub fn new(source: LookupSource, ttl: Duration) -> Self {
        Self {
            source,
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// A cache that asks identity over NATS request-reply (`identity.partner-key`).
    pub fn from_nats(client: async_nats::Client, ttl: Duration) -> Self {
        Self::new(
            Arc::new(move |request| {
                let client = client.clone();
                Box::pin(async move {
                    kit::nats::request(&client, &request)
                        .await
                        .map_err(|e| e.to_string())
                })
            }),
            ttl,
        )
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // A panic while holding the lock cannot leave an entry half-written that matters more
        // than one key's count; keep serving.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What this replica knows of the key now.
    pub fn cached(&self, hash: &str, today: i64) -> Cached {
        match self.lock().get(hash) {
            Some(entry) if entry.fetched.elapsed() < self.ttl && entry.day == today => {
                Cached::Fresh(entry.known())
            }
            Some(_) => Cached::Stale,
            None => Cached::Absent,
        }
    }

    /// Asks identity about the key (reporting what was counted here since the last answer),
    /// and keeps the answer.
    pub async fn refresh(&self, hash: &str, today: i64) -> Result<Known, KeyError> {
        let report = self.take_report(hash);
        let request = PartnerKeyLookup {
            key_hash: hash.to_string(),
            today,
            report,
        };
        let asked = Instant::now();
        match (self.source)(request).await {
            Ok(PartnerKeyReply { key: Some(grant) }) => Ok(self.keep(hash, grant, today, asked)),
            Ok(PartnerKeyReply { key: None }) => {
                self.lock().remove(hash);
                Err(KeyError::Unknown)
            }
            Err(reason) => {
                self.give_back(hash, report);
                tracing::warn!(%reason, "cannot look partner keys up");
                Err(KeyError::Unavailable(reason))
            }
        }
    }

    /// Counts one admitted request for the key if its `daily` quota has room; the requests
    /// left today after it, or `None` when the quota is used up.
    pub fn count(&self, hash: &str, daily: u64) -> Option<u64> {
        let mut entries = self.lock();
        let entry = entries.get_mut(hash)?;
        let used = entry.counted + entry.unreported;
        if used >= daily {
            return None;
        }
        entry.unreported += 1;
        Some(daily - used - 1)
    }

    fn take_report(&self, hash: &str) -> Option<UsageReport> {
        let mut entries = self.lock();
        let entry = entries.get_mut(hash)?;
        let count = std::mem::take(&mut entry.unreported);
        // Still counted here until identity's answer includes it.
        entry.counted += count;
        (count > 0).then_some(UsageReport {
            day: entry.day,
            count,
        })
    }

    /// The question failed: what it would have reported is still to report.
    fn give_back(&self, hash: &str, report: Option<UsageReport>) {
        let Some(report) = report else { return };
        if let Some(entry) = self.lock().get_mut(hash) {
            entry.unreported += report.count;
            entry.counted = entry.counted.saturating_sub(report.count);
        }
    }

    fn keep(&self, hash: &str, grant: PartnerKeyGrant, today: i64, asked: Instant) -> Known {
        let mut entries = self.lock();
        let unreported = entries.get(hash).map_or(0, |e| e.unreported);
        let entry = Entry {
            counted: grant.used_today,
            grant,
            fetched: asked,
            day: today,
            unreported,
        };
        let known = entry.known();
        entries.insert(hash.to_string(), entry);
        known
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    const KEY: &str = "mk_live_0123456789012345678901234567890123456789012";

    /// A source that knows one key and adds up reports like identity does.
    fn identity(total: Arc<AtomicU64>) -> LookupSource {
        Arc::new(move |request: PartnerKeyLookup| {
            let total = total.clone();
            Box::pin(async move {
                if let Some(report) = request.report {
                    total.fetch_add(report.count, Ordering::SeqCst);
                }
                let known = request.key_hash == key_hash(KEY).unwrap();
                Ok(PartnerKeyReply {
                    key: known.then(|| PartnerKeyGrant {
                        id: "k1".into(),
                        partner: "Acme".into(),
                        tier: Tier::Free,
                        used_today: total.load(Ordering::SeqCst),
                    }),
                })
            })
        })
    }

    #[test]
    fn what_cannot_be_a_key_is_unknown_without_asking() {
        assert_eq!(key_hash("nope"), Err(KeyError::Unknown));
        assert_eq!(
            key_hash(&KEY.replace("mk_live_", "mk_test_")),
            Err(KeyError::Unknown)
        );
        assert_eq!(key_hash(KEY).unwrap().len(), 64);
    }

    #[tokio::test]
    async fn counts_are_reported_on_the_next_question_and_the_quota_holds() {
        let total = Arc::new(AtomicU64::new(5));
        let cache = KeyCache::new(identity(total.clone()), Duration::ZERO);
        let hash = key_hash(KEY).unwrap();
        assert_eq!(cache.refresh(&hash, 1).await.unwrap().used_today, 5);
        assert_eq!(cache.count(&hash, 7), Some(1));
        assert_eq!(cache.count(&hash, 7), Some(0));
        assert_eq!(cache.count(&hash, 7), None, "the quota is used up");
        assert_eq!(
            cache.cached(&hash, 1),
            Cached::Stale,
            "a zero TTL never serves from the cache"
        );
        assert_eq!(cache.refresh(&hash, 1).await.unwrap().used_today, 7);
        assert_eq!(
            total.load(Ordering::SeqCst),
            7,
            "both counted requests reported once"
        );
        assert_eq!(cache.refresh(&hash, 1).await.unwrap().used_today, 7);
    }

    #[tokio::test]
    async fn a_failed_question_keeps_the_count_to_report_later() {
        let cache = KeyCache::new(identity(Arc::new(AtomicU64::new(0))), Duration::from_secs(60));
        let hash = key_hash(KEY).unwrap();
        cache.refresh(&hash, 1).await.unwrap();
        assert_eq!(cache.count(&hash, 10), Some(9));
        assert!(matches!(cache.cached(&hash, 1), Cached::Fresh(k) if k.used_today == 1));
        assert_eq!(cache.cached(&hash, 2), Cached::Stale, "a new UTC day asks again");
        assert_eq!(cache.cached("other", 1), Cached::Absent);
        let report = cache.take_report(&hash);
        assert_eq!(report, Some(UsageReport { day: 1, count: 1 }));
        cache.give_back(&hash, report);
        assert_eq!(cache.take_report(&hash), Some(UsageReport { day: 1, count: 1 }));
    }
}
