//! The catalog's answers kept in memory, serialized and ready to send.
//!
//! The catalog is read-mostly: products change only when the database is seeded, and ratings
//! when a `reviews.rating-changed` event arrives (every replica keeps its own copy and
//! follows every event, so each one drops its own cache). Building a page costs two SQL
//! statements on sqlx's SQLite worker thread, row decoding and JSON encoding — most of the
//! catalog's CPU per request — while sending a kept body costs a map lookup.
//!
//! What is kept: browse pages (category, sort, page, size) and product details. Searches are
//! not: their texts are unbounded, and a stream of distinct searches would only push the
//! browse pages out.
//!
//! Why a body can never be stale: every change first commits to the database and then calls
//! [`ResponseCache::invalidate`], which drops everything and moves the generation on. A body is
//! stored with the generation read *before* its query ran, and refused if the generation has
//! moved since — so a query that read the old rows cannot store them after the change.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;

use crate::domain::query::ListQuery;

/// How many answers are kept at most; past it the cache starts again from empty (the browse
/// pages a storefront actually shows are far fewer).
const MAX_ENTRIES: usize = 4096;
/// How many body bytes are kept at most (a page of 24 is about 5 KB).
const MAX_BYTES: usize = 32 * 1024 * 1024;

/// Metric: answers served from memory or built, by `result` (`hit`, `miss`).
const LOOKUPS: &str = "catalog_cache_lookups_total";

/// What an answer is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CacheKey {
    /// One browse page (never a search: see the module doc).
    List(ListQuery),
    /// One product's detail.
    Product(i64),
}

impl CacheKey {
    /// The key of a list request, or `None` for a search (not kept).
    pub fn list(query: &ListQuery) -> Option<CacheKey> {
        query.search.is_none().then(|| CacheKey::List(query.clone()))
    }
}

/// A point in the catalog's history of changes, read before building an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation(u64);

/// Serialized answers, dropped whole whenever the catalog's data changes.
#[derive(Debug)]
pub struct ResponseCache {
    inner: Mutex<Inner>,
    /// The lookup counters, resolved once: `counter!` with labels builds and hashes its key on
    /// every call, which every request would pay.
    hits: metrics::Counter,
    misses: metrics::Counter,
}

impl Default for ResponseCache {
    /// An empty cache whose counters exist at zero, so a dashboard sees both series from the
    /// start.
    fn default() -> Self {
        // The recorder first: a handle taken before it is installed counts nothing.
        kit::health::prometheus();
        let counter = |result: &'static str| metrics::counter!(LOOKUPS, "result" => result);
        let (hits, misses) = (counter("hit"), counter("miss"));
        hits.increment(0);
        misses.increment(0);
        Self {
            inner: Mutex::default(),
            hits,
            misses,
        }
    }
}

#[derive(Debug, Default)]
struct Inner {
    generation: u64,
    bodies: HashMap<CacheKey, Bytes>,
    bytes: usize,
}

impl ResponseCache {
    /// The kept body for `key`, if any (counted as a hit or a miss).
    pub fn get(&self, key: &CacheKey) -> Option<Bytes> {
        let found = self.lock().bodies.get(key).cloned();
        if found.is_some() { &self.hits } else { &self.misses }.increment(1);
        found
    }

    /// The generation to pass to [`ResponseCache::put`]; read it before querying.
    pub fn generation(&self) -> Generation {
        Generation(self.lock().generation)
    }

    /// Keeps `body` for `key` unless the data changed since `read_at`.
    pub fn put(&self, key: CacheKey, read_at: Generation, body: Bytes) {
        let mut inner = self.lock();
        if inner.generation != read_at.0 {
            return;
        }
        if inner.bodies.len() >= MAX_ENTRIES || inner.bytes + body.len() > MAX_BYTES {
            inner.bodies.clear();
            inner.bytes = 0;
        }
        inner.bytes += body.len();
        if let Some(old) = inner.bodies.insert(key, body) {
            inner.bytes -= old.len();
        }
    }

    /// Drops every kept answer; call it after each change to the data has been committed.
    pub fn invalidate(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.bodies.clear();
        inner.bytes = 0;
    }

    /// A poisoned lock only means a panic elsewhere while holding it; the map is still whole
    /// (every update above leaves it consistent before anything can panic).
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &'static str) -> Bytes {
        Bytes::from_static(text.as_bytes())
    }

    #[test]
    fn a_kept_body_is_served_until_the_data_changes() {
        let cache = ResponseCache::default();
        let key = CacheKey::Product(1);
        assert_eq!(cache.get(&key), None);
        cache.put(key.clone(), cache.generation(), body("one"));
        assert_eq!(cache.get(&key), Some(body("one")));
        cache.invalidate();
        assert_eq!(cache.get(&key), None, "a change drops every kept body");
    }

    #[test]
    fn a_body_read_before_a_change_is_not_kept_after_it() {
        let cache = ResponseCache::default();
        let read_at = cache.generation();
        cache.invalidate(); // a rating arrived while the query ran
        cache.put(CacheKey::Product(1), read_at, body("stale"));
        assert_eq!(cache.get(&CacheKey::Product(1)), None);
    }

    #[test]
    fn a_full_cache_starts_again_instead_of_growing() {
        let cache = ResponseCache::default();
        for id in 0..=MAX_ENTRIES as i64 {
            cache.put(CacheKey::Product(id), cache.generation(), body("x"));
        }
        let inner = cache.lock();
        assert_eq!(
            inner.bodies.len(),
            1,
            "cleared at the limit, then the last one kept"
        );
        assert_eq!(inner.bytes, 1);
    }
}
