//! A service's own database: SQLite (a file, the zero-set-up default) or PostgreSQL (when
//! `DATABASE_URL=postgres://…`), behind one pool type so a service's queries are written once.
//!
//! Services hold a [`Pool`] and write their SQL in the part both databases speak: `$1, $2 …`
//! placeholders, `ON CONFLICT … DO NOTHING`, `RETURNING`, `BIGINT`/`TEXT`/`BYTEA`/`DOUBLE
//! PRECISION` columns (SQLite accepts those type names). What differs — how a writer takes its
//! turn, whether several statements may go in one round trip — is decided here, once
//! (docs/decisions/0011).
//!
//! This module must not know any service's tables; the outbox and inbox, which every
//! publishing or consuming service needs alike, are kit's own migration ([`connect`] runs it).

mod builder;
mod connect;

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, LazyLock, Mutex};

use sqlx::any::{AnyArguments, AnyQueryResult};
use sqlx::query::Query;
use sqlx::{Any, Transaction};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub use builder::SqlBuilder;
pub use connect::{connect, connect_sqlite, connect_until_ready, DbError};

/// A service's connection pool, whichever database is behind it.
pub type Pool = sqlx::AnyPool;
/// One connection (or a transaction, through `&mut *tx`) of a [`Pool`].
pub type Connection = sqlx::AnyConnection;

/// Which database a pool or connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// A SQLite file in this process: one writer at a time, statements are cheap round trips
    /// to the connection's thread.
    Sqlite,
    /// A PostgreSQL server shared by the service's replicas.
    Postgres,
}

impl Dialect {
    /// The dialect of a `DATABASE_URL`, or `None` for a scheme Mercado does not run on.
    pub fn of_url(url: &str) -> Option<Self> {
        let scheme = url.split_once(':').map(|(scheme, _)| scheme)?;
        match scheme {
            "sqlite" => Some(Self::Sqlite),
            "postgres" | "postgresql" => Some(Self::Postgres),
            _ => None,
        }
    }

    /// The dialect of an open connection.
    pub fn of(conn: &Connection) -> Self {
        if conn.backend_name() == "PostgreSQL" {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }

    /// The dialect of a pool.
    pub fn of_pool(db: &Pool) -> Self {
        Self::of_url(db.connect_options().database_url.as_str()).unwrap_or(Self::Sqlite)
    }
}

/// Starts a transaction that will write, after every other writer of this database has
/// finished: reads inside it see everything committed before, so read-then-write code needs
/// no locking of its own, on either database (docs/decisions/0002, 0011).
///
/// - SQLite: the writer first takes the file's write gate in this process (in arrival order,
///   instead of sleeping on SQLite's busy handler), then `BEGIN IMMEDIATE`; a plain deferred
///   `BEGIN` that reads first and writes later fails with "database is locked" when another
///   writer committed in between.
/// - PostgreSQL: `BEGIN` and a transaction-scoped advisory lock keyed by the database, in one
///   round trip; replicas of a service queue on it the way threads queue on the gate, and it
///   is released by the commit or rollback, or by the server when the connection dies.
///
/// Read-only work keeps using `begin()`.
pub async fn begin_write(db: &Pool) -> Result<WriteTransaction, sqlx::Error> {
    match Dialect::of_pool(db) {
        Dialect::Sqlite => {
            let turn = write_turn(db).await?;
            let tx = db.begin_with("BEGIN IMMEDIATE").await?;
            Ok(WriteTransaction {
                tx,
                _turn: Some(turn),
            })
        }
        Dialect::Postgres => {
            let tx = db
                .begin_with("BEGIN; SELECT pg_advisory_xact_lock(hashtext(current_database()))")
                .await?;
            Ok(WriteTransaction { tx, _turn: None })
        }
    }
}

/// Starts a read-only transaction whose statements all see one snapshot (an order and its
/// history read together while the saga moves it along). SQLite's deferred `BEGIN` gives that
/// from the first read; PostgreSQL's default isolation takes a new snapshot per statement, so
/// there it is `REPEATABLE READ`.
pub async fn begin_read(db: &Pool) -> Result<Transaction<'static, Any>, sqlx::Error> {
    match Dialect::of_pool(db) {
        Dialect::Sqlite => db.begin().await,
        Dialect::Postgres => {
            db.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await
        }
    }
}

/// Runs one writing statement on its own, outside any transaction. On SQLite it waits for the
/// write gate (a lone statement is its own transaction there, one round trip instead of three);
/// on PostgreSQL a single statement needs no turn of its own.
pub async fn write_alone<'q>(
    db: &Pool,
    statement: Query<'q, Any, AnyArguments<'q>>,
) -> Result<AnyQueryResult, sqlx::Error> {
    let _turn = match Dialect::of_pool(db) {
        Dialect::Sqlite => Some(write_turn(db).await?),
        Dialect::Postgres => None,
    };
    statement.execute(db).await
}

/// A write transaction holding its database's write turn until it commits, rolls back or is
/// dropped. Used like the connection it wraps (`&mut *tx`, or `&mut tx` where a
/// `&mut Connection` is wanted). Dropped unfinished (an early return), it is rolled back by
/// sqlx just after the turn passes on; on SQLite the next writer may meet the file lock for
/// that moment and waits on the busy timeout.
pub struct WriteTransaction {
    tx: Transaction<'static, Any>,
    // Dropped after `tx`: the next writer enters only once this one is done.
    _turn: Option<OwnedSemaphorePermit>,
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
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.tx
    }
}

impl DerefMut for WriteTransaction {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.tx
    }
}

/// Waits for `db`'s write turn; held until the permit is dropped.
async fn write_turn(db: &Pool) -> Result<OwnedSemaphorePermit, sqlx::Error> {
    write_gate(db)
        .acquire_owned()
        .await
        .map_err(|_| sqlx::Error::PoolClosed)
}

/// The one-writer-at-a-time gate of `db`'s SQLite file, shared by every pool on that file in
/// this process (SQLite's lock is per file too).
fn write_gate(db: &Pool) -> Arc<Semaphore> {
    static GATES: LazyLock<Mutex<HashMap<String, Arc<Semaphore>>>> = LazyLock::new(Mutex::default);
    let url = &db.connect_options().database_url;
    // The file, without the URL's options: two pools on one file share a gate.
    let file = format!("{}{}", url.host_str().unwrap_or_default(), url.path());
    let mut gates = GATES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    gates
        .entry(file)
        .or_insert_with(|| Arc::new(Semaphore::new(1)))
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialects_come_from_the_url_scheme() {
        assert_eq!(
            Dialect::of_url("sqlite://.data/x.db?mode=rwc"),
            Some(Dialect::Sqlite)
        );
        assert_eq!(
            Dialect::of_url("postgres://u:p@db/orders"),
            Some(Dialect::Postgres)
        );
        assert_eq!(Dialect::of_url("postgresql://db/orders"), Some(Dialect::Postgres));
        assert_eq!(Dialect::of_url("mysql://db/orders"), None);
        assert_eq!(Dialect::of_url("orders.db"), None);
    }
}
