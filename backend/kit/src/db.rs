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

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, LazyLock, Mutex};

use sqlx::any::{AnyArguments, AnyQueryResult};
use sqlx::query::Query;
// Its boxed `execute` rather than the queries' own generic one: futures holding those across
// an await are not `Send` for every lifetime, which axum handlers and spawned tasks need.
use sqlx::{Any, Executor, Transaction};
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

/// What a write transaction keeps other writers out of while it runs. SQLite has one writer
/// at a time whatever this says; on PostgreSQL it decides which writers run side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exclusive<'a> {
    /// Every other writer of the database: for work that reads and writes across many rows
    /// (sweeps, stock shared by every order, a user's cart).
    Database,
    /// The writers of one aggregate, named by its id (an order): writers of other aggregates
    /// run beside it. Writers of the whole database still wait for it, and it for them.
    Aggregate(&'a str),
}

/// Starts a transaction that will write, after every other writer of this database has
/// finished: reads inside it see everything committed before, so read-then-write code needs
/// no locking of its own, on either database (docs/decisions/0002, 0011).
///
/// - SQLite: the writer first takes the file's write turn in this process (in arrival order,
///   instead of sleeping on SQLite's busy handler), then `BEGIN IMMEDIATE` on the file's one
///   writing connection (see [`Writer`]); a plain deferred `BEGIN` that reads first and writes
///   later fails with "database is locked" when another writer committed in between.
/// - PostgreSQL: `BEGIN` and a transaction-scoped advisory lock keyed by the database, in one
///   round trip; replicas of a service queue on it the way threads queue on the gate, and it
///   is released by the commit or rollback, or by the server when the connection dies.
///
/// Read-only work keeps using `begin()`. [`begin_write_for`] lets writers of different
/// aggregates run side by side on PostgreSQL.
pub async fn begin_write(db: &Pool) -> Result<WriteTransaction, sqlx::Error> {
    begin_write_for(db, Exclusive::Database).await
}

/// [`begin_write`], excluding only what `exclusive` says. On PostgreSQL an aggregate's writer
/// takes the database's advisory lock *shared* and then its aggregate's lock: writers of two
/// orders run together, two writers of one order one after the other, and a writer of the
/// whole database (which takes the database's lock exclusively) waits for all of them and
/// they for it. Every writer takes the database's lock first, so no two can wait for each
/// other in a cycle.
pub async fn begin_write_for(db: &Pool, exclusive: Exclusive<'_>) -> Result<WriteTransaction, sqlx::Error> {
    match Dialect::of_pool(db) {
        Dialect::Sqlite => {
            let (turn, writer, mut conn) = writer_turn(db).await?;
            // On failure `conn` is dropped, which closes it: no transaction can be left open
            // on a connection that is used again.
            Executor::execute(&mut conn, "BEGIN IMMEDIATE").await?;
            Ok(WriteTransaction {
                open: Open::Writer {
                    conn,
                    writer,
                    committed: false,
                },
                _turn: Some(turn),
            })
        }
        Dialect::Postgres => {
            let tx = db.begin_with(postgres_begin(exclusive)).await?;
            Ok(WriteTransaction {
                open: Open::Pooled(tx),
                _turn: None,
            })
        }
    }
}

/// The advisory locks' key space for aggregates: the first of the two-number keys (a lock on
/// one 64-bit key, the database's, is a different lock whatever the numbers).
const AGGREGATE_LOCKS: i32 = 1;

/// PostgreSQL's `BEGIN` with the locks `exclusive` takes, as one simple query (one round
/// trip). The aggregate's id goes in as a number, so no text of it reaches the SQL. The
/// database's own lock is a constant, as it was before aggregates: nothing is built for it.
fn postgres_begin(exclusive: Exclusive<'_>) -> Cow<'static, str> {
    match exclusive {
        Exclusive::Database => {
            Cow::Borrowed("BEGIN; SELECT pg_advisory_xact_lock(hashtext(current_database()))")
        }
        Exclusive::Aggregate(id) => Cow::Owned(format!(
            "BEGIN; SELECT pg_advisory_xact_lock_shared(hashtext(current_database())); \
             SELECT pg_advisory_xact_lock({AGGREGATE_LOCKS}, {})",
            aggregate_key(id)
        )),
    }
}

/// A stable 32-bit number for an aggregate's id (FNV-1a): the same in every replica and
/// release, as a lock key must be. Two ids that share a number only wait for each other.
fn aggregate_key(id: &str) -> i32 {
    let hash = id.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    hash as i32
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
/// write turn and runs on the writing connection (a lone statement is its own transaction
/// there, one round trip instead of three); on PostgreSQL a single statement needs no turn of
/// its own.
pub async fn write_alone<'q>(
    db: &Pool,
    statement: Query<'q, Any, AnyArguments<'q>>,
) -> Result<AnyQueryResult, sqlx::Error> {
    match Dialect::of_pool(db) {
        Dialect::Sqlite => {
            let (_turn, writer, mut conn) = writer_turn(db).await?;
            let result = Executor::execute(&mut conn, statement).await;
            match &result {
                // SQLite answered (a constraint, a syntax error): a lone statement leaves no
                // transaction open, so the connection is as good as before.
                Ok(_) | Err(sqlx::Error::Database(_)) => writer.park(conn),
                // The connection itself failed: it is closed, the next writer opens another.
                Err(_) => drop(conn),
            }
            result
        }
        Dialect::Postgres => statement.execute(db).await,
    }
}

/// Runs `statements` (writes, then a query) on their own, outside any transaction, and returns
/// the rows the query gives. On SQLite they go as one round trip on the writing connection,
/// in the write turn, so the reader pays no pooled connection's ping on release (the outbox
/// relay marks one batch published and looks for the next in one go); on PostgreSQL they run
/// one after another on a pooled connection.
pub async fn write_alone_then_fetch<'q>(
    db: &Pool,
    statements: SqlBuilder<'q>,
) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
    match Dialect::of_pool(db) {
        Dialect::Sqlite => {
            let (_turn, writer, mut conn) = writer_turn(db).await?;
            let rows = statements.fetch_all(&mut conn).await;
            match &rows {
                // As in `write_alone`: statements outside a transaction leave none open.
                Ok(_) | Err(sqlx::Error::Database(_)) => writer.park(conn),
                Err(_) => drop(conn),
            }
            rows
        }
        Dialect::Postgres => {
            let mut conn = db.acquire().await?;
            statements.fetch_all(&mut conn).await
        }
    }
}

/// Begins a write transaction whose first statement is `first`, and returns it with the rows
/// that statement affected. On SQLite the `BEGIN IMMEDIATE` and `first` go in one round trip
/// (a saga step's inbox row: one hand-off to the connection's thread instead of two).
///
/// `first` writes its one statement into the empty builder it is given. `exclusive` is as
/// for [`begin_write_for`].
pub async fn begin_write_with<'q>(
    db: &Pool,
    exclusive: Exclusive<'_>,
    first: impl FnOnce(&mut SqlBuilder<'q>),
) -> Result<(WriteTransaction, u64), sqlx::Error> {
    match Dialect::of_pool(db) {
        Dialect::Sqlite => {
            let (turn, writer, mut conn) = writer_turn(db).await?;
            let mut statements = SqlBuilder::new(Dialect::Sqlite, "BEGIN IMMEDIATE");
            statements.next_statement("");
            first(&mut statements);
            // On failure `conn` is dropped, which closes it and rolls back what BEGIN began.
            let affected = statements.execute_counting_last(&mut conn).await?;
            let tx = WriteTransaction {
                open: Open::Writer {
                    conn,
                    writer,
                    committed: false,
                },
                _turn: Some(turn),
            };
            Ok((tx, affected))
        }
        Dialect::Postgres => {
            let mut tx = begin_write_for(db, exclusive).await?;
            let mut statements = SqlBuilder::new(Dialect::Postgres, "");
            first(&mut statements);
            let affected = statements.execute_counting_last(&mut tx).await?;
            Ok((tx, affected))
        }
    }
}

/// A write transaction holding its database's write turn until it commits, rolls back or is
/// dropped. Used like the connection it wraps (`&mut *tx`, or `&mut tx` where a
/// `&mut Connection` is wanted). Dropped unfinished (an early return), it is rolled back: on
/// PostgreSQL by sqlx, just after the turn passes on; on SQLite the writing connection is
/// closed, which rolls back, and the next writer opens a new one (it may meet the file lock
/// for that moment and waits on the busy timeout). [`Self::rollback`] keeps the connection.
pub struct WriteTransaction {
    open: Open,
    // Dropped after `open`: the next writer enters only once this one is done.
    _turn: Option<OwnedSemaphorePermit>,
}

/// What a [`WriteTransaction`] runs on.
enum Open {
    /// sqlx's transaction on a pooled connection (PostgreSQL).
    Pooled(Transaction<'static, Any>),
    /// The SQLite file's writing connection, inside the `BEGIN IMMEDIATE` kit issued; kit
    /// alone ends it, and the connection goes back to `writer` only once it has.
    /// `committed`: [`WriteTransaction::execute_then_commit`] already sent the `COMMIT`.
    Writer {
        conn: Connection,
        writer: Arc<Writer>,
        committed: bool,
    },
}

impl WriteTransaction {
    /// Runs `statements` as the transaction's last work. On SQLite the `COMMIT` goes with
    /// them, in the same round trip (a saga step's state change and its events: one hand-off
    /// to the connection's thread fewer), and [`Self::commit`] then only hands the turn on; on
    /// PostgreSQL they run in the transaction and [`Self::commit`] commits as usual.
    ///
    /// Nothing may be written after it (on SQLite it would run outside the transaction), and
    /// the caller must go on to [`Self::commit`]. If a statement fails, nothing is committed
    /// and the transaction is rolled back as after any failed statement.
    pub async fn execute_then_commit(&mut self, mut statements: SqlBuilder<'_>) -> Result<(), sqlx::Error> {
        match &mut self.open {
            Open::Pooled(tx) => statements.execute(tx).await.map(drop),
            Open::Writer { conn, committed, .. } => {
                statements.next_statement("COMMIT");
                // SQLite stops at a failing statement: the COMMIT then never ran.
                statements.execute(conn).await?;
                *committed = true;
                Ok(())
            }
        }
    }

    /// Commits, then hands the write turn on.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.open {
            Open::Pooled(tx) => tx.commit().await,
            Open::Writer {
                conn,
                writer,
                committed,
            } => end(conn, &writer, committed, "COMMIT").await,
        }
    }

    /// Rolls back, then hands the write turn on. After [`Self::execute_then_commit`] there
    /// is nothing left to roll back on SQLite: what it ran stays.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self.open {
            Open::Pooled(tx) => tx.rollback().await,
            Open::Writer {
                conn,
                writer,
                committed,
            } => end(conn, &writer, committed, "ROLLBACK").await,
        }
    }
}

/// Ends the writing connection's transaction with `sql` (unless it was `committed` already)
/// and parks the connection for the next writer. If that fails (a `COMMIT` refused by a busy
/// file leaves the transaction open), the connection is dropped instead, and closing it rolls
/// back whatever it still holds.
async fn end(
    mut conn: Connection,
    writer: &Writer,
    committed: bool,
    sql: &'static str,
) -> Result<(), sqlx::Error> {
    if !committed {
        Executor::execute(&mut conn, sql).await?;
    }
    writer.park(conn);
    Ok(())
}

impl Deref for WriteTransaction {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match &self.open {
            Open::Pooled(tx) => tx,
            Open::Writer { conn, .. } => conn,
        }
    }
}

impl DerefMut for WriteTransaction {
    fn deref_mut(&mut self) -> &mut Connection {
        match &mut self.open {
            Open::Pooled(tx) => tx,
            Open::Writer { conn, .. } => conn,
        }
    }
}

/// The one writer of a SQLite file in this process: its turn (one writer at a time, in
/// arrival order; SQLite's lock is per file too) and the connection every writer uses in turn.
///
/// A connection of its own rather than one from the pool per write: sqlx tests each pooled
/// connection as it goes back to the pool (a ping, a round trip to the connection's thread,
/// after every transaction and every lone statement), and writes are one at a time anyway
/// (docs/decisions/0021, round 3). The connection comes from the pool once (with the pool's
/// settings) and is detached from it; sqlx never sees it inside a transaction, because kit
/// begins and ends those itself and only parks the connection between them.
struct Writer {
    turn: Arc<Semaphore>,
    idle: Mutex<Option<Connection>>,
}

impl Writer {
    /// Keeps `conn`, outside any transaction, for the next writer.
    fn park(&self, conn: Connection) {
        *self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(conn);
    }

    /// The parked connection, if there is one.
    fn take(&self) -> Option<Connection> {
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
    }
}

/// Waits for `db`'s write turn alone (migrations, which run on the pool); held until the permit
/// is dropped.
async fn write_turn(db: &Pool) -> Result<OwnedSemaphorePermit, sqlx::Error> {
    writer(db)
        .turn
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| sqlx::Error::PoolClosed)
}

/// Waits for `db`'s write turn and returns it with the writing connection (opened from the pool
/// if none is parked). The turn is held until the permit is dropped.
async fn writer_turn(db: &Pool) -> Result<(OwnedSemaphorePermit, Arc<Writer>, Connection), sqlx::Error> {
    let turn = write_turn(db).await?;
    // The parked connection outlives any one pool: a closed pool still refuses writes.
    if db.is_closed() {
        return Err(sqlx::Error::PoolClosed);
    }
    let writer = writer(db);
    let conn = match writer.take() {
        Some(conn) => conn,
        None => db.acquire().await?.detach(),
    };
    Ok((turn, writer, conn))
}

/// The [`Writer`] of `db`'s SQLite file, shared by every pool on that file in this process.
fn writer(db: &Pool) -> Arc<Writer> {
    static WRITERS: LazyLock<Mutex<HashMap<String, Arc<Writer>>>> = LazyLock::new(Mutex::default);
    let url = &db.connect_options().database_url;
    // The file, without the URL's options: two pools on one file share a writer.
    let file = format!("{}{}", url.host_str().unwrap_or_default(), url.path());
    let mut writers = WRITERS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    writers
        .entry(file)
        .or_insert_with(|| {
            Arc::new(Writer {
                turn: Arc::new(Semaphore::new(1)),
                idle: Mutex::new(None),
            })
        })
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

    /// Replicas of two releases run side by side during a rollout: the number an id locks
    /// must not change between them.
    #[test]
    fn an_aggregates_lock_number_is_fnv_1a_and_stays_so() {
        assert_eq!(aggregate_key(""), 0x811c_9dc5_u32 as i32);
        assert_eq!(aggregate_key("a"), 0xe40c_292c_u32 as i32);
        assert_ne!(aggregate_key("order-1"), aggregate_key("order-2"));
        assert!(postgres_begin(Exclusive::Aggregate("a")).ends_with("pg_advisory_xact_lock(1, -468965076)"));
    }
}
