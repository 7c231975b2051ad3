//! Opening a service's own database and running its migrations at start.
//!
//! SQLite is the zero-set-up default (a file under `DATA_DIR`). PostgreSQL support lands here
//! with the first service whose writes must be shared by replicas (docs/decisions/0002).

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::query::Query;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteQueryResult,
    SqliteSynchronous,
};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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
    // No ping before handing out a connection: a SQLite connection is a file handle in this
    // process and cannot go stale, and the ping is a round trip to the connection's worker
    // thread, which under the saga benchmark cost as much as a statement.
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .map_err(open)?;
    migrator.run(&pool).await?;
    Ok(pool)
}

/// Starts a transaction that will write: it takes SQLite's write lock at `BEGIN IMMEDIATE`, so
/// concurrent writers queue. A plain (deferred) `BEGIN` that reads first and writes later fails
/// at once with "database is locked" (`SQLITE_BUSY_SNAPSHOT`) when another writer committed in
/// between — which load turned into 500s. Read-only work keeps using `begin()`.
///
/// Writers in this process queue first on the database file's write gate (one permit per
/// file), in order, and are woken the moment the previous one finishes. Left to SQLite, a writer that
/// finds the lock taken sleeps on its busy handler in steps of 1 to 100 ms and retries: under
/// the order-saga benchmark the orders service slept that way some 500 times a second while
/// the lock was often free. The busy timeout still guards against writers in other processes.
pub async fn begin_write(db: &SqlitePool) -> Result<WriteTransaction, sqlx::Error> {
    let turn = write_turn(db).await?;
    let tx = db.begin_with("BEGIN IMMEDIATE").await?;
    Ok(WriteTransaction { tx, _turn: turn })
}

/// Runs one writing statement on its own, in turn at the write gate: SQLite makes a lone
/// statement its own transaction, so this is one round trip to the connection instead of
/// three (`BEGIN IMMEDIATE`, the statement, `COMMIT`). A statement that writes takes the write
/// lock as it starts, so it cannot meet the stale-snapshot failure `begin_write` avoids.
pub async fn write_alone<'q>(
    db: &SqlitePool,
    statement: Query<'q, Sqlite, SqliteArguments<'q>>,
) -> Result<SqliteQueryResult, sqlx::Error> {
    let _turn = write_turn(db).await?;
    statement.execute(db).await
}

/// A write transaction holding its database's write turn until it commits, rolls back or is
/// dropped. Used like the connection it wraps (`&mut *tx`, or `&mut tx` where a
/// `&mut SqliteConnection` is wanted). Dropped unfinished (an early return), it is rolled back
/// by sqlx on the connection's thread just after the turn passes on; the next writer may meet
/// SQLite's lock for that moment and waits on the busy timeout as before.
pub struct WriteTransaction {
    tx: Transaction<'static, Sqlite>,
    // Dropped after `tx`: the next writer enters only once this one is done.
    _turn: OwnedSemaphorePermit,
}

impl WriteTransaction {
    /// Commits, then hands the write turn on.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    /// Rolls back, then hands the write turn on.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl Deref for WriteTransaction {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for WriteTransaction {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

/// Waits for `db`'s write turn; held until the permit is dropped.
async fn write_turn(db: &SqlitePool) -> Result<OwnedSemaphorePermit, sqlx::Error> {
    write_gate(db)
        .acquire_owned()
        .await
        .map_err(|_| sqlx::Error::PoolClosed)
}

/// The one-writer-at-a-time gate of `db`'s file, shared by every pool on that file in this
/// process (SQLite's lock is per file too; in-memory databases share one gate, which only
/// serialises more than needed).
fn write_gate(db: &SqlitePool) -> Arc<Semaphore> {
    static GATES: LazyLock<Mutex<HashMap<PathBuf, Arc<Semaphore>>>> = LazyLock::new(Mutex::default);
    let file = db.connect_options().get_filename().to_path_buf();
    let mut gates = GATES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    gates
        .entry(file)
        .or_insert_with(|| Arc::new(Semaphore::new(1)))
        .clone()
}
