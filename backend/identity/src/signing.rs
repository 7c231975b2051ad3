//! Keeps the key ring current: loaded (or first created) at start, rotated when due.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use kit::db::Pool;

use crate::domain::keys::{rotation_due, KeyRing, StoredKey, PUBLISHED_AHEAD_SECS};
use crate::domain::unix_now;
use crate::store;

/// How often a running service checks whether its key is due for rotation, and re-reads the
/// keys (another replica's new key among them).
const CHECK_EVERY: Duration = Duration::from_secs(3600);
// A new key must be known to every replica before any signs with it.
const _: () = assert!(PUBLISHED_AHEAD_SECS > CHECK_EVERY.as_secs() as i64);

/// Key lifecycle failure.
#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    /// Database failure.
    #[error("signing keys: {0}")]
    Database(#[from] sqlx::Error),
    /// Key generation failure.
    #[error(transparent)]
    Key(#[from] crate::domain::keys::KeyError),
}

/// Loads the stored keys, adding a new one first when none exists or the newest is too old.
pub async fn load(db: &Pool, rotation: Duration, access_ttl: Duration) -> Result<KeyRing, SigningError> {
    let now = unix_now();
    let rotation_secs = rotation.as_secs() as i64;
    let mut keys = store::signing_keys(db).await?;
    if rotation_due(&keys, now, rotation_secs) {
        keys = rotate(db, now, rotation_secs).await?;
    }
    KeyRing::from_keys(keys, now, access_ttl.as_secs() as i64)
        .ok_or_else(|| SigningError::Database(sqlx::Error::RowNotFound))
}

/// Adds a new key unless another replica has just done so; returns every key. Looked at again
/// under the write turn: replicas starting (or rotating) together on one database would
/// otherwise each see the old key and each add a new one.
async fn rotate(db: &Pool, now: i64, rotation_secs: i64) -> Result<Vec<StoredKey>, SigningError> {
    let mut tx = kit::db::begin_write(db).await?;
    let mut keys = store::signing_keys(&mut *tx).await?;
    if rotation_due(&keys, now, rotation_secs) {
        let key = StoredKey::generate(now)?;
        store::insert_signing_key(&mut tx, &key).await?;
        tracing::info!(kid = key.kid, "new signing key");
        keys.push(key);
    }
    tx.commit().await?;
    Ok(keys)
}

/// Re-loads the ring every hour, so rotation (and a replica's new key) takes effect while running.
pub fn spawn_rotation(
    db: Pool,
    ring: Arc<RwLock<Arc<KeyRing>>>,
    rotation: Duration,
    access_ttl: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(CHECK_EVERY.min(rotation));
        ticks.tick().await;
        loop {
            ticks.tick().await;
            match load(&db, rotation, access_ttl).await {
                Ok(fresh) => {
                    if let Ok(mut slot) = ring.write() {
                        *slot = Arc::new(fresh);
                    }
                }
                Err(err) => tracing::error!(error = %err, "key rotation failed; keeping current keys"),
            }
        }
    })
}
