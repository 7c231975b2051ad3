//! Opening a service's own database and running its migrations at start.
//!
//! SQLite is the zero-set-up default (a file under `DATA_DIR`). PostgreSQL support lands here
//! with the first service whose writes must be shared by replicas (docs/decisions/0002).

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// Bad URL, unreachable file or directory.
    #[error("cannot open database {url}: {source}")]
    Open {
        /// The URL (contains no secret for SQLite).
        url: String,
        /// Cause.
        source: sqlx::Error,
    },
    /// A migration failed.
    #[error("migrating the database failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The parent directory could not be created.
    #[error("cannot create the data directory: {0}")]
    Dir(#[from] std::io::Error),
}

/// Opens (creating if needed) the SQLite database at `url` and applies `migrator`.
pub async fn connect_sqlite(url: &str, migrator: &'static Migrator) -> Result<SqlitePool, DbError> {
    let open = |source| DbError::Open {
        url: url.to_string(),
        source,
    };
    let options = SqliteConnectOptions::from_str(url)
        .map_err(open)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    if let Some(parent) = options.get_filename().parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent)?;
        }
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .map_err(open)?;
    migrator.run(&pool).await?;
    Ok(pool)
}

/// Starts a transaction that will write: it takes SQLite's write lock at `BEGIN IMMEDIATE`, so
/// concurrent writers queue on the busy timeout. A plain (deferred) `BEGIN` that reads first
/// and writes later fails at once with "database is locked" (`SQLITE_BUSY_SNAPSHOT`) when
/// another writer committed in between — which load turned into 500s. Read-only work keeps
/// using `begin()`.
pub async fn begin_write(db: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    db.begin_with("BEGIN IMMEDIATE").await
}
