//! A throw-away PostgreSQL server for tests and benchmarks: `initdb` into a temporary
//! directory, started on a free loopback port, stopped and removed when dropped. Never a
//! shared server: each run gets its own.
//!
//! The server binaries come from `POSTGRES_BIN_DIR`, else the newest
//! `/usr/lib/postgresql/<version>/bin` (Debian's packages, installed with apt when none is
//! there), else `pg_ctl` on PATH. PostgreSQL
//! refuses to run as root, so as root the cluster belongs to, and runs as, the `postgres` user.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use contracts::services::{self, Service};

use crate::{cmd, tools};

/// The services that run on PostgreSQL outside `cargo xtask up`: all but the catalog, which
/// keeps a SQLite copy per replica (docs/decisions/0011).
pub fn on_postgres() -> impl Iterator<Item = &'static Service> {
    services::ALL.iter().filter(|s| s.name != services::CATALOG.name)
}

/// A running throw-away cluster; stopped and deleted on drop.
pub struct PostgresCluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl PostgresCluster {
    /// Creates the cluster and starts it, waiting until it accepts connections.
    pub fn start() -> Result<Self> {
        let bin = match bin_dir() {
            Ok(bin) => bin,
            Err(_) => {
                tools::apt_install(&["postgresql"], "the PostgreSQL server for the tests")?;
                bin_dir()?
            }
        };
        let dir = tempfile::Builder::new()
            .prefix("mercado-pg-")
            .tempdir()
            .context("a temporary directory for PostgreSQL")?;
        let cluster = Self {
            bin,
            dir,
            port: free_port()?,
        };
        cluster.init()?;
        cluster.run_ctl(&["start", "-w", "-t", "60", "-l"], Some(&cluster.log_file()))?;
        println!(
            "  PostgreSQL on 127.0.0.1:{} ({})",
            cluster.port,
            cluster.data().display()
        );
        Ok(cluster)
    }

    /// A URL for the superuser `postgres` (trusted on loopback): it may create databases and roles.
    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Creates the database `name` and returns its URL (for the superuser: a benchmark's or a
    /// developer's stack, not a role per service as in compose).
    pub fn create_database(&self, name: &str) -> Result<String> {
        let mut psql = Command::new(self.bin.join("psql"));
        psql.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &self.admin_url()])
            .args(["-c", &format!("CREATE DATABASE {name}")]);
        cmd::output(&mut psql)?;
        Ok(format!("postgres://postgres@127.0.0.1:{}/{name}", self.port))
    }

    /// The server's (postmaster's) process id.
    pub fn pid(&self) -> Result<u32> {
        let file = self.data().join("postmaster.pid");
        let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
        text.lines()
            .next()
            .and_then(|line| line.trim().parse().ok())
            .with_context(|| format!("{} names no process", file.display()))
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn log_file(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    fn init(&self) -> Result<()> {
        if tools::as_root() {
            cmd::run(
                Command::new("chown")
                    .args(["postgres:postgres"])
                    .arg(self.dir.path()),
            )?;
        }
        let mut initdb = self.as_owner("initdb");
        initdb
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "-D",
            ])
            .arg(self.data());
        cmd::output(&mut initdb).map(|_| ())
    }

    /// `pg_ctl <args> [log]` with the cluster's options: loopback only, its socket in its own
    /// directory, and no fsync (nothing here must survive a power cut).
    fn run_ctl(&self, args: &[&str], log: Option<&Path>) -> Result<()> {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=300",
            self.port,
            self.dir.path().display()
        );
        let mut ctl = self.as_owner("pg_ctl");
        ctl.args(args);
        if let Some(log) = log {
            ctl.arg(log);
        }
        ctl.arg("-D").arg(self.data()).args(["-o", &options]);
        cmd::output(&mut ctl).map(|_| ()).with_context(|| {
            let log = std::fs::read_to_string(self.log_file()).unwrap_or_default();
            format!("PostgreSQL's log:\n{log}")
        })
    }

    /// A server program, run as the cluster's owner.
    fn as_owner(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if tools::as_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }
}

impl Drop for PostgresCluster {
    fn drop(&mut self) {
        if let Err(err) = self.run_ctl(&["stop", "-m", "immediate"], None) {
            eprintln!("  could not stop the test PostgreSQL: {err:#}");
        }
    }
}

/// The PostgreSQL server binaries this machine has (see the module comment).
pub fn bin_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("POSTGRES_BIN_DIR") {
        return Ok(dir.into());
    }
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").is_file())
        .max_by_key(|bin| version_of(bin));
    if let Some(bin) = newest {
        return Ok(bin);
    }
    if let Some(pg_ctl) = cmd::works("which", &["pg_ctl"]) {
        if let Some(dir) = Path::new(&pg_ctl).parent() {
            return Ok(dir.to_path_buf());
        }
    }
    bail!(
        "no PostgreSQL server binaries: install Debian's postgresql package \
         (apt-get install postgresql) or set POSTGRES_BIN_DIR"
    )
}

/// `/usr/lib/postgresql/15/bin` → 15.
fn version_of(bin: &Path) -> u32 {
    bin.parent()
        .and_then(|dir| dir.file_name())
        .and_then(|name| name.to_str())
        .and_then(|name| name.parse().ok())
        .unwrap_or(0)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
