//! Identity's queries: users, session families with their refresh tokens, signing keys.

use kit::db::{Connection, Pool};
use sqlx::Row;

use crate::domain::keys::StoredKey;

/// A user as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    /// UUID.
    pub id: String,
    /// Lower-cased email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// RFC 3339 UTC, whole seconds; set by the service when the account is made.
    pub created_at: String,
}

/// A refresh token looked up by its hash, with the state of its family.
#[derive(Debug, Clone)]
pub struct RefreshRow {
    /// The session family.
    pub family_id: String,
    /// Owner.
    pub user_id: String,
    /// Unix seconds.
    pub expires_at: i64,
    /// Set once rotated.
    pub used_at: Option<i64>,
    /// Set once the family is revoked.
    pub revoked_at: Option<i64>,
}

/// Inserting a user failed.
#[derive(Debug, thiserror::Error)]
pub enum InsertUserError {
    /// Another account has that email.
    #[error("email already registered")]
    EmailTaken,
    /// Anything else.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Creates a user; a duplicate email is reported as such (the unique index decides, so two
/// simultaneous registrations cannot both win).
#[tracing::instrument(skip_all)]
pub async fn insert_user(db: &Pool, user: &UserRow) -> Result<(), InsertUserError> {
    let result = sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&user.id)
    .bind(&user.email)
    .bind(&user.name)
    .bind(&user.password_hash)
    .bind(&user.created_at)
    .execute(db)
    .await;
    match result {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(InsertUserError::EmailTaken),
        Err(e) => Err(e.into()),
    }
}

/// The user with `email` (already normalised).
#[tracing::instrument(skip_all)]
pub async fn user_by_email(db: &Pool, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, email, name, password_hash, created_at FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(db)
        .await
}

/// The user with `id`.
#[tracing::instrument(skip_all)]
pub async fn user_by_id(db: &Pool, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, email, name, password_hash, created_at FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Starts a session family for `user_id` with its first refresh token.
#[tracing::instrument(skip_all)]
pub async fn start_family(
    db: &Pool,
    user_id: &str,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    let family_id = uuid::Uuid::now_v7().to_string();
    let mut tx = kit::db::begin_write(db).await?;
    sqlx::query("INSERT INTO session_families (id, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(&family_id)
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    insert_token(&mut tx, &family_id, token_hash, expires_at).await?;
    tx.commit().await
}

async fn insert_token(
    tx: &mut Connection,
    family_id: &str,
    token_hash: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO refresh_tokens (token_hash, family_id, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash)
        .bind(family_id)
        .bind(expires_at)
        .execute(tx)
        .await
        .map(|_| ())
}

/// Looks a refresh token up by hash.
#[tracing::instrument(skip_all)]
pub async fn refresh_token(db: &Pool, token_hash: &str) -> Result<Option<RefreshRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT t.family_id, f.user_id, t.expires_at, t.used_at, f.revoked_at
         FROM refresh_tokens t JOIN session_families f ON f.id = t.family_id
         WHERE t.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| RefreshRow {
        family_id: r.get(0),
        user_id: r.get(1),
        expires_at: r.get(2),
        used_at: r.get(3),
        revoked_at: r.get(4),
    }))
}

/// Marks `old_hash` used and adds its successor, atomically. `false` when the old token was
/// used meanwhile (a concurrent refresh won): the caller treats that as reuse.
#[tracing::instrument(skip_all)]
pub async fn rotate(
    db: &Pool,
    family_id: &str,
    old_hash: &str,
    new_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = kit::db::begin_write(db).await?;
    let marked =
        sqlx::query("UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
            .bind(now)
            .bind(old_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if marked != 1 {
        return Ok(false);
    }
    insert_token(&mut tx, family_id, new_hash, expires_at).await?;
    tx.commit().await?;
    Ok(true)
}

/// Revokes a whole session family (sign-out, or reuse detected).
#[tracing::instrument(skip_all, fields(reason))]
pub async fn revoke_family(db: &Pool, family_id: &str, now: i64, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE session_families SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(reason)
    .bind(family_id)
    .execute(db)
    .await
    .map(|_| ())
}

/// Every stored signing key; on the pool, or inside the transaction that may add one.
#[tracing::instrument(skip_all)]
pub async fn signing_keys<'c, E>(db: E) -> Result<Vec<StoredKey>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query("SELECT kid, private_pkcs8, public_key, created_at FROM signing_keys")
        .fetch_all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| StoredKey {
            kid: r.get(0),
            private_pkcs8: r.get(1),
            public_key: r.get(2),
            created_at: r.get(3),
        })
        .collect())
}

/// Stores a new signing key, inside the caller's write transaction (see [`crate::signing`]).
#[tracing::instrument(skip_all)]
pub async fn insert_signing_key(tx: &mut Connection, key: &StoredKey) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO signing_keys (kid, private_pkcs8, public_key, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&key.kid)
    .bind(&key.private_pkcs8)
    .bind(&key.public_key)
    .bind(key.created_at)
    .execute(tx)
    .await
    .map(|_| ())
}
