//! Opening the database a `DATABASE_URL` names and bringing its schema up to date: kit's own
//! tables first, then the service's migrations.

use std::borrow::Cow;
use std::time::Duration;

use std::str::FromStr;

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Executor, SqlitePool};

use super::{Dialect, Pool};

/// kit's tables (outbox, inbox), versions from 1000000001 up.
static KIT_MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Connections per pool: the services' work is short statements, and a PostgreSQL server
/// shared by every service's replicas has 100 connections by default.
const MAX_CONNECTIONS: u32 = 8;

/// Every SQLite connection's settings, for the shared pool and the native one alike: WAL so
/// readers never wait for the writer, `NORMAL` sync (safe with WAL, a commit is not an fsync),
/// foreign keys on, and 5 s of waiting for a writer in another process.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                              PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A scheme other than `sqlite:` or `postgres:` (or than `sqlite:`, for a SQLite-only
    /// service).
    #[error("DATABASE_URL {url} is not a database this service runs on")]
    Scheme {
        /// The URL, without its password.
        url: String,
    },
    /// Unreachable server, bad credentials, missing database or file.
    #[error("cannot open database {url}: {source}")]
    Open {
        /// The URL, without its password.
        url: String,
        /// Cause.
        source: sqlx::Error,
    },
    /// A migration failed.
    #[error("migrating the database failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The SQLite file's directory could not be created.
    #[error("cannot create the data directory: {0}")]
    Dir(#[from] std::io::Error),
}

impl DbError {
    /// Whether trying again later may succeed: the server is not up yet or not reachable.
    /// Bad credentials, a missing database, a failed migration or a SQLite file that cannot
    /// be opened (a path, not a server) will not mend themselves.
    pub fn is_transient(&self) -> bool {
        let DbError::Open { source, url } = self else {
            return false;
        };
        if Dialect::of_url(url) != Some(Dialect::Postgres) {
            return false;
        }
        match source {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_) => true,
            // 57P03: the server is starting up; 53300: too many connections.
            sqlx::Error::Database(err) => {
                matches!(err.code().as_deref(), Some("57P03") | Some("53300"))
            }
            _ => false,
        }
    }
}

/// Opens the database at `url` (a SQLite file is created with its directory) and applies kit's
/// migrations, then `migrator`'s. Replicas starting together on one PostgreSQL database are
/// safe: sqlx migrates under an advisory lock.
pub async fn connect(url: &str, migrator: &'static Migrator) -> Result<Pool, DbError> {
    sqlx::any::install_default_drivers();
    let redacted = redact(url);
    let open = |source| DbError::Open {
        url: redacted.clone(),
        source,
    };
    let migrator = with_kit_tables(migrator);
    let pool = match Dialect::of_url(url) {
        Some(Dialect::Sqlite) => {
            let pool = open_sqlite(url).await.map_err(open)?;
            // sqlx locks migrations on PostgreSQL only; replicas in one process sharing a
            // file (the tests' two-replica runs) take the file's write turn instead.
            let _turn = super::write_turn(&pool).await.map_err(open)?;
            migrator.run(&pool).await?;
            pool
        }
        Some(Dialect::Postgres) => {
            let pool = open_postgres(url).await.map_err(open)?;
            migrator.run(&pool).await?;
            pool
        }
        None => return Err(DbError::Scheme { url: redacted }),
    };
    Ok(pool)
}

/// [`connect`], trying again with backoff (0.5 s doubling to 15 s) while the failure is
/// transient, one log line per try; gives up at once on any other failure (bad credentials,
/// no such database, a failed migration), which the service reports as it exits.
pub async fn connect_until_ready(url: &str, migrator: &'static Migrator) -> Result<Pool, DbError> {
    let mut delay = Duration::from_millis(500);
    let mut attempt = 1u32;
    loop {
        match connect(url, migrator).await {
            Err(err) if err.is_transient() => {
                tracing::warn!(error = %err, attempt, retry_in_ms = delay.as_millis() as u64, "database not reachable; retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(15));
                attempt += 1;
            }
            done => return done,
        }
    }
}

/// Opens a SQLite database as a native SQLite pool and applies `migrator` alone: for a service
/// that is SQLite by design (the catalog's per-replica copy searched with FTS5,
/// docs/decisions/0011), whose hot read path then skips the [`Pool`]'s translation. It has no
/// outbox or inbox.
pub async fn connect_sqlite(url: &str, migrator: &'static Migrator) -> Result<SqlitePool, DbError> {
    let redacted = redact(url);
    if Dialect::of_url(url) != Some(Dialect::Sqlite) {
        return Err(DbError::Scheme { url: redacted });
    }
    let open = |source| DbError::Open {
        url: redacted.clone(),
        source,
    };
    create_parent_dir(url)?;
    let options = SqliteConnectOptions::from_str(url)
        .map_err(open)?
        .create_if_missing(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .test_before_acquire(false)
        .after_connect(|conn, _| Box::pin(async move { conn.execute(SQLITE_PRAGMAS).await.map(|_| ()) }))
        .connect_with(options)
        .await
        .map_err(open)?;
    migrator.run(&pool).await?;
    Ok(pool)
}

async fn open_sqlite(url: &str) -> Result<Pool, sqlx::Error> {
    create_parent_dir(url).map_err(sqlx::Error::Io)?;
    // No ping before handing out a connection: a SQLite connection is a file handle in this
    // process and cannot go stale, and the ping is a round trip to the connection's worker
    // thread, which under the saga benchmark cost as much as a statement.
    AnyPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .test_before_acquire(false)
        .after_connect(|conn, _| Box::pin(async move { conn.execute(SQLITE_PRAGMAS).await.map(|_| ()) }))
        .connect(&with_create_mode(url))
        .await
}

async fn open_postgres(url: &str) -> Result<Pool, sqlx::Error> {
    AnyPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        // A server that does not answer is reported within seconds, not after sqlx's 30.
        .acquire_timeout(Duration::from_secs(5))
        .connect(url)
        .await
}

/// kit's migrations followed by the service's, as one migrator over one history table.
fn with_kit_tables(service: &'static Migrator) -> Migrator {
    let migrations: Vec<_> = KIT_MIGRATOR.iter().chain(service.iter()).cloned().collect();
    Migrator {
        migrations: Cow::Owned(migrations),
        ignore_missing: false,
        locking: true,
        no_tx: false,
    }
}

/// A SQLite URL that creates its file when missing (`mode=rwc`) unless it says otherwise.
fn with_create_mode(url: &str) -> Cow<'_, str> {
    if url.contains("mode=") {
        Cow::Borrowed(url)
    } else if url.contains('?') {
        Cow::Owned(format!("{url}&mode=rwc"))
    } else {
        Cow::Owned(format!("{url}?mode=rwc"))
    }
}

/// Creates the directory a SQLite file URL points into.
fn create_parent_dir(url: &str) -> std::io::Result<()> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    match std::path::Path::new(path).parent() {
        Some(parent) if !parent.as_os_str().is_empty() && path != ":memory:" => {
            std::fs::create_dir_all(parent)
        }
        _ => Ok(()),
    }
}

/// `url` with its password replaced, for errors and logs.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_MIGRATIONS: Migrator = Migrator {
        migrations: Cow::Borrowed(&[]),
        ignore_missing: false,
        locking: true,
        no_tx: false,
    };

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(
            redact("postgres://orders:s3cret@db:5432/orders"),
            "postgres://orders:***@db:5432/orders"
        );
        assert_eq!(redact("sqlite://.data/orders.db"), "sqlite://.data/orders.db");
    }

    #[test]
    fn sqlite_files_are_created_unless_the_url_says_otherwise() {
        assert_eq!(with_create_mode("sqlite://a.db"), "sqlite://a.db?mode=rwc");
        assert_eq!(
            with_create_mode("sqlite://a.db?cache=shared"),
            "sqlite://a.db?cache=shared&mode=rwc"
        );
        assert_eq!(with_create_mode("sqlite://a.db?mode=ro"), "sqlite://a.db?mode=ro");
    }

    #[tokio::test]
    async fn an_unknown_scheme_is_refused_clearly() {
        static NONE: Migrator = NO_MIGRATIONS;
        let err = connect("mysql://db/orders", &NONE)
            .await
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("DATABASE_URL mysql://db/orders is not a database this service runs on")
        );
    }

    #[tokio::test]
    async fn a_sqlite_file_that_cannot_be_made_is_not_retried() {
        static NONE: Migrator = NO_MIGRATIONS;
        let err = connect("sqlite:///dev/null/x.db", &NONE)
            .await
            .expect_err("no such directory");
        assert!(!err.is_transient(), "{err}");
    }

    #[tokio::test]
    async fn a_closed_port_is_transient_and_says_where() {
        static NONE: Migrator = NO_MIGRATIONS;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let url = format!("postgres://u:pw@127.0.0.1:{port}/x");
        let err = connect(&url, &NONE).await.expect_err("nothing listens there");
        assert!(err.is_transient(), "{err}");
        assert!(err.to_string().contains(&format!("127.0.0.1:{port}")), "{err}");
        assert!(!err.to_string().contains("pw"), "{err}");
    }
}
