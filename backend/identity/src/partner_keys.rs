//! Queries on `partner_keys` and `partner_key_usage`: issuing, listing and revoking keys,
//! looking one up by hash, and adding a gateway's batch of counted requests to a day.

use contracts::partner::{PartnerKeyView, Tier};
use kit::db::Pool;
use sqlx::Row;

/// A key as stored (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    /// UUID v7.
    pub id: String,
    /// Who it is for.
    pub partner: String,
    /// Its tier.
    pub tier: Tier,
    /// The key's first characters.
    pub hint: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// Set once revoked.
    pub revoked_at: Option<String>,
}

impl KeyRow {
    /// As an admin listing shows it.
    pub fn view(&self) -> PartnerKeyView {
        PartnerKeyView {
            id: self.id.clone(),
            partner: self.partner.clone(),
            tier: self.tier,
            hint: self.hint.clone(),
            created_at: self.created_at.clone(),
            revoked_at: self.revoked_at.clone(),
        }
    }
}

const COLUMNS: &str = "id, partner, tier, hint, created_at, revoked_at";

fn key_row(row: &sqlx::any::AnyRow) -> Result<KeyRow, sqlx::Error> {
    let tier: String = row.try_get(2)?;
    Ok(KeyRow {
        id: row.try_get(0)?,
        partner: row.try_get(1)?,
        // Only `Tier::as_str` ever writes this column.
        tier: Tier::parse(&tier).ok_or_else(|| sqlx::Error::Decode(format!("tier {tier:?}").into()))?,
        hint: row.try_get(3)?,
        created_at: row.try_get(4)?,
        revoked_at: row.try_get(5)?,
    })
}

/// Stores a new key by its hash.
#[tracing::instrument(skip_all, fields(key = row.id))]
pub async fn insert(db: &Pool, row: &KeyRow, key_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO partner_keys (id, partner, tier, key_hash, hint, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&row.id)
    .bind(&row.partner)
    .bind(row.tier.as_str())
    .bind(key_hash)
    .bind(&row.hint)
    .bind(&row.created_at)
    .execute(db)
    .await
    .map(|_| ())
}

/// Every key, newest first (UUID v7 ids sort by time).
#[tracing::instrument(skip_all)]
pub async fn list(db: &Pool) -> Result<Vec<KeyRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM partner_keys ORDER BY id DESC");
    sqlx::query(&sql)
        .fetch_all(db)
        .await?
        .iter()
        .map(key_row)
        .collect()
}

/// Revokes key `id`; the key as it is now, `None` when there is no such key. Revoking twice
/// keeps the first time.
#[tracing::instrument(skip_all, fields(key = id))]
pub async fn revoke(db: &Pool, id: &str, now: &str) -> Result<Option<KeyRow>, sqlx::Error> {
    sqlx::query("UPDATE partner_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    let sql = format!("SELECT {COLUMNS} FROM partner_keys WHERE id = $1");
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(key_row)
        .transpose()
}

/// The working (not revoked) key with this hash.
#[tracing::instrument(skip_all)]
pub async fn working_by_hash(db: &Pool, key_hash: &str) -> Result<Option<KeyRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM partner_keys WHERE key_hash = $1 AND revoked_at IS NULL");
    sqlx::query(&sql)
        .bind(key_hash)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(key_row)
        .transpose()
}

/// Adds `count` requests to key `id`'s `day` (one statement: replicas adding at once never
/// lose each other's counts).
#[tracing::instrument(skip_all, fields(key = id, day, count))]
pub async fn add_usage(db: &Pool, id: &str, day: i64, count: u64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO partner_key_usage (key_id, day, count) VALUES ($1, $2, $3)
         ON CONFLICT (key_id, day) DO UPDATE SET count = partner_key_usage.count + excluded.count",
    )
    .bind(id)
    .bind(day)
    .bind(i64::try_from(count).unwrap_or(i64::MAX))
    .execute(db)
    .await
    .map(|_| ())
}

/// Requests counted for key `id` on `day`.
#[tracing::instrument(skip_all, fields(key = id, day))]
pub async fn usage(db: &Pool, id: &str, day: i64) -> Result<u64, sqlx::Error> {
    let count: Option<i64> =
        sqlx::query("SELECT count FROM partner_key_usage WHERE key_id = $1 AND day = $2")
            .bind(id)
            .bind(day)
            .fetch_optional(db)
            .await?
            .map(|row| row.try_get(0))
            .transpose()?;
    Ok(count.map_or(0, |c| u64::try_from(c).unwrap_or(0)))
}
