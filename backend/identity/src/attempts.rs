//! Queries on `credential_attempts`: the sign-in attempts and registrations the throttle counts
//! ([`crate::throttle`] decides what they mean).

use kit::db::{Connection, Pool};
use sqlx::Row;

/// What was attempted; each kind is counted on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A sign-in (counted until it succeeds; a failure stays counted).
    SignIn,
    /// A registration (counted whatever its outcome).
    Register,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::SignIn => "sign-in",
            Kind::Register => "register",
        }
    }
}

/// Which column an attempt is counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// The account (hashed normalised email).
    Account,
    /// The client address.
    Address,
}

/// The times (Unix ms, newest first) of at most `limit` attempts of `kind` by `key` after
/// `since`: enough to tell whether one more fits and when it will.
#[tracing::instrument(skip_all, fields(kind = kind.as_str(), by = ?by))]
pub async fn newest(
    tx: &mut Connection,
    kind: Kind,
    by: By,
    key: &str,
    since: i64,
    limit: u32,
) -> Result<Vec<i64>, sqlx::Error> {
    // Two fixed statements rather than a column name spliced into SQL.
    let sql = match by {
        By::Account => {
            "SELECT at FROM credential_attempts WHERE account = $1 AND kind = $2 AND at > $3
             ORDER BY at DESC LIMIT $4"
        }
        By::Address => {
            "SELECT at FROM credential_attempts WHERE address = $1 AND kind = $2 AND at > $3
             ORDER BY at DESC LIMIT $4"
        }
    };
    let rows = sqlx::query(sql)
        .bind(key)
        .bind(kind.as_str())
        .bind(since)
        .bind(i64::from(limit))
        .fetch_all(tx)
        .await?;
    Ok(rows.into_iter().map(|r| r.get(0)).collect())
}

/// Records an attempt; its id, to forget it by when it proves harmless.
#[tracing::instrument(skip_all, fields(kind = kind.as_str()))]
pub async fn insert(
    tx: &mut Connection,
    kind: Kind,
    account: &str,
    address: &str,
    at: i64,
) -> Result<String, sqlx::Error> {
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO credential_attempts (id, kind, account, address, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(kind.as_str())
    .bind(account)
    .bind(address)
    .bind(at)
    .execute(tx)
    .await?;
    Ok(id)
}

/// Forgets one attempt (a sign-in that succeeded).
#[tracing::instrument(skip_all)]
pub async fn delete(db: &Pool, id: &str) -> Result<(), sqlx::Error> {
    let statement = sqlx::query("DELETE FROM credential_attempts WHERE id = $1").bind(id);
    kit::db::write_alone(db, statement).await.map(|_| ())
}

/// Forgets every attempt at or before `before` (older than every window); how many.
#[tracing::instrument(skip_all)]
pub async fn delete_older(db: &Pool, before: i64) -> Result<u64, sqlx::Error> {
    let statement = sqlx::query("DELETE FROM credential_attempts WHERE at <= $1").bind(before);
    Ok(kit::db::write_alone(db, statement).await?.rows_affected())
}
