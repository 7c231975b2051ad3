//! Runs the system: nats-server with JetStream, every service and the gateway, each log line
//! prefixed with its process name; waits until all are ready; stops them all cleanly.
//!
//! `cargo xtask up` runs it in the foreground until Ctrl-C; `cargo xtask test` and `bench`
//! start it on their own ports with fresh data and stop it when done.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::{cmd, paths, tools, web};
use contracts::services::{self, GATEWAY_PORT};

/// How the service binaries are compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Fast to build; what tests use.
    Debug,
    /// Optimised (`release-native`); what benchmarks use.
    Release,
}

impl Profile {
    /// `--release` on the command line selects [`Profile::Release`].
    pub fn from_flag(release: bool) -> Self {
        if release {
            Profile::Release
        } else {
            Profile::Debug
        }
    }

    fn bin_dir(self) -> PathBuf {
        paths::target_dir().join(match self {
            Profile::Debug => "debug",
            Profile::Release => "release-native",
        })
    }
}

/// Ports, folders and logging of one running stack.
#[derive(Debug, Clone)]
pub struct StackConfig {
    /// Gateway (storefront) port.
    pub gateway_port: u16,
    /// Added to every service's default port (0 for `up`), so a test stack can run beside it.
    pub port_offset: u16,
    /// NATS client port; the monitoring port is this + 4000.
    pub nats_port: u16,
    /// nats-server store and the services' databases.
    pub data_dir: PathBuf,
    /// What the gateway serves.
    pub web_dir: PathBuf,
    /// Which service binaries to run.
    pub profile: Profile,
    /// When set, process output goes to `<dir>/<name>.log` instead of the terminal.
    pub log_dir: Option<PathBuf>,
    /// Lift the per-client rate limits: tests and benchmarks send everything from one address
    /// (the limits themselves are tested in the gateway's and identity's integration tests).
    pub relaxed_limits: bool,
    /// More environment for every process (e.g. `SANDBOX_AUTO_PAY` for the order benchmark).
    pub env: Vec<(&'static str, &'static str)>,
    /// A `DATABASE_URL` of its own for the services named here (PostgreSQL); the others keep a
    /// SQLite file under `data_dir`.
    pub database_urls: Vec<(&'static str, String)>,
}

/// Environment that lifts the rate limits of the gateway and identity.
const RELAXED_LIMITS: [(&str, &str); 6] = [
    ("RATE_LIMIT_PER_SECOND", "1000000"),
    ("RATE_LIMIT_BURST", "1000000"),
    ("AUTH_RATE_LIMIT_PER_MINUTE", "100000"),
    ("SIGN_IN_FAILURES_PER_ACCOUNT", "100000"),
    ("SIGN_IN_FAILURES_PER_ADDRESS", "100000"),
    ("REGISTRATIONS_PER_ADDRESS", "100000"),
];

impl StackConfig {
    /// The storefront's URL.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.gateway_port)
    }

    /// The stack's nats-server.
    pub fn nats_url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.nats_port)
    }

    /// The port of nats-server's monitoring endpoint (its health check).
    pub fn nats_monitor_port(&self) -> u16 {
        self.nats_port + 4000
    }

    /// Port a service listens on in this stack.
    pub fn service_port(&self, service: &services::Service) -> u16 {
        service.default_port + self.port_offset
    }
}

/// A running set of processes.
pub struct Stack {
    children: Vec<(String, Child)>,
    /// The nats-server binary, to start it again after a restart.
    nats_bin: PathBuf,
    /// The settings it was started with.
    pub config: StackConfig,
}

/// `cargo xtask up`: build, start, wait for Ctrl-C, stop.
pub fn up(release: bool) -> Result<()> {
    let started = Instant::now();
    let tools = tools::ensure(tools::Need::Up)?;
    web::build(&tools)?;
    let profile = Profile::from_flag(release);
    build_services(profile)?;
    let config = StackConfig {
        gateway_port: GATEWAY_PORT,
        port_offset: 0,
        nats_port: 4222,
        data_dir: paths::data_dir(),
        web_dir: paths::dist_dir(),
        profile,
        log_dir: None,
        relaxed_limits: false,
        env: Vec::new(),
        database_urls: Vec::new(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .context("installing the Ctrl-C handler")?;
    let mut stack = Stack::start(&tools, config)?;
    println!(
        "\n==> Mercado is up in {:.0?}: open http://localhost:{GATEWAY_PORT}  (Ctrl-C stops everything)\n",
        started.elapsed()
    );
    let outcome = stack.supervise(&stop);
    stack.stop();
    outcome
}

/// Compiles every service and the gateway.
pub fn build_services(profile: Profile) -> Result<()> {
    println!("==> building services ({profile:?})");
    let mut command = cmd::new("cargo");
    command.arg("build");
    if profile == Profile::Release {
        command.args(["--profile", "release-native"]);
    }
    command.args(["-p", "mercado-gateway"]);
    for service in services::ALL {
        command.args(["-p", &format!("mercado-{}", service.name)]);
    }
    cmd::run(&mut command)
}

impl Stack {
    /// Starts nats-server, the services and the gateway, and waits until each is ready.
    pub fn start(tools: &tools::Tools, config: StackConfig) -> Result<Stack> {
        println!(
            "==> starting nats-server, {} service(s) and the gateway",
            services::ALL.len()
        );
        std::fs::create_dir_all(&config.data_dir)?;
        let mut stack = Stack {
            children: Vec::new(),
            nats_bin: PathBuf::new(),
            config,
        };
        let result = stack.start_all(tools);
        if let Err(err) = result {
            stack.stop();
            return Err(err);
        }
        Ok(stack)
    }

    fn start_all(&mut self, tools: &tools::Tools) -> Result<()> {
        self.ports_are_free()?;
        self.nats_bin = tools.nats_server.clone();
        self.spawn("nats", self.command_for("nats")?)?;
        self.wait_ready("nats")?;
        for service in services::ALL {
            self.spawn(service.name, self.command_for(service.name)?)?;
        }
        for service in services::ALL {
            self.wait_ready(service.name)?;
        }
        self.spawn("gateway", self.command_for("gateway")?)?;
        self.wait_ready("gateway")
    }

    /// Fails when another program listens on one of the stack's ports: its readiness checks
    /// would otherwise pass against someone else's servers (another stack still running).
    /// A connection, not a bind: a port held only by a closed connection in TIME_WAIT, or as
    /// the local end of someone's outgoing connection, is no server (the services bind with
    /// `SO_REUSEADDR`), and a bind test failed on those.
    fn ports_are_free(&self) -> Result<()> {
        let cfg = &self.config;
        let ports = [cfg.nats_port, cfg.nats_monitor_port(), cfg.gateway_port]
            .into_iter()
            .chain(services::ALL.iter().map(|s| cfg.service_port(s)));
        for port in ports {
            let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                bail!("port {port} is in use: is another stack (bench, e2e, up) still running?");
            }
        }
        Ok(())
    }

    /// The command that starts the process called `name` ("nats", a service, "gateway").
    fn command_for(&self, name: &str) -> Result<std::process::Command> {
        let cfg = &self.config;
        if name == "nats" {
            let mut nats = cmd::new(self.nats_bin.to_string_lossy().as_ref());
            nats.args(["-js", "-a", "127.0.0.1", "-p", &cfg.nats_port.to_string()])
                .args(["-m", &cfg.nats_monitor_port().to_string()])
                .arg("-sd")
                .arg(cfg.data_dir.join("nats"));
            return Ok(nats);
        }
        if name == "gateway" {
            let mut gateway = cmd::new(&bin(cfg.profile, "mercado-gateway"));
            gateway
                .env("PORT", cfg.gateway_port.to_string())
                .env("NATS_URL", cfg.nats_url())
                .env("WEB_DIR", &cfg.web_dir)
                // A developer's machine: one MFE may be pointed at a local `trunk serve` build.
                .env("MFE_OVERRIDES", "true");
            for service in services::ALL {
                let url = format!("http://127.0.0.1:{}", cfg.service_port(service));
                gateway.env(format!("{}_URL", service.name.to_uppercase()), url);
            }
            return Ok(gateway);
        }
        let service = services::ALL
            .iter()
            .find(|s| s.name == name)
            .with_context(|| format!("no process called {name}"))?;
        let mut command = cmd::new(&bin(cfg.profile, &format!("mercado-{}", service.name)));
        command
            .env("PORT", cfg.service_port(service).to_string())
            .env("NATS_URL", cfg.nats_url())
            .env("DATA_DIR", &cfg.data_dir);
        if let Some((_, url)) = cfg.database_urls.iter().find(|(n, _)| *n == service.name) {
            command.env("DATABASE_URL", url);
        }
        Ok(command)
    }

    /// Waits until the process called `name` answers its readiness check.
    fn wait_ready(&self, name: &str) -> Result<()> {
        let cfg = &self.config;
        match name {
            "nats" => wait_http(cfg.nats_monitor_port(), "/healthz", "nats"),
            "gateway" => wait_http(cfg.gateway_port, "/readyz", "gateway"),
            _ => {
                let service = services::ALL
                    .iter()
                    .find(|s| s.name == name)
                    .with_context(|| format!("no process called {name}"))?;
                wait_http(cfg.service_port(service), "/readyz", name)
            }
        }
    }

    /// Stops the process called `name` — with SIGKILL when `kill`, else SIGTERM and a wait —
    /// leaves it down for `down`, starts it again and waits until it is ready.
    pub fn restart(&mut self, name: &str, kill: bool, down: Duration) -> Result<()> {
        let index = self
            .children
            .iter()
            .position(|(n, _)| n == name)
            .with_context(|| format!("no running process called {name}"))?;
        let (_, mut child) = self.children.remove(index);
        if kill {
            let _ = child.kill();
        } else {
            let _ = cmd::new("kill").args(["-TERM", &child.id().to_string()]).status();
        }
        let _ = child.wait();
        std::thread::sleep(down);
        self.spawn(name, self.command_for(name)?)?;
        self.wait_ready(name)
    }

    fn spawn(&mut self, name: &str, mut command: std::process::Command) -> Result<()> {
        command.env(
            "RUST_LOG",
            std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
        );
        if self.config.relaxed_limits {
            command.envs(RELAXED_LIMITS);
        }
        command.envs(self.config.env.iter().copied());
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().with_context(|| format!("starting {name}"))?;
        let sink = match &self.config.log_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                Sink::File(dir.join(format!("{name}.log")))
            }
            None => Sink::Terminal(self.children.len()),
        };
        if let Some(out) = child.stdout.take() {
            forward(name, out, sink.clone())?;
        }
        if let Some(err) = child.stderr.take() {
            forward(name, err, sink)?;
        }
        self.children.push((name.to_string(), child));
        Ok(())
    }

    /// Blocks until `stop` is set or a process exits on its own (an error).
    pub fn supervise(&mut self, stop: &AtomicBool) -> Result<()> {
        while !stop.load(Ordering::SeqCst) {
            for (name, child) in &mut self.children {
                if let Some(status) = child.try_wait()? {
                    bail!("{name} exited unexpectedly ({status}); stopping everything");
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        println!("\n==> stopping");
        Ok(())
    }

    /// Process ids by name, for measurements.
    pub fn pids(&self) -> Vec<(String, u32)> {
        self.children.iter().map(|(n, c)| (n.clone(), c.id())).collect()
    }

    /// The process id of the process called `name` (a service, "gateway", "nats").
    pub fn pid(&self, name: &str) -> Option<u32> {
        self.children.iter().find(|(n, _)| n == name).map(|(_, c)| c.id())
    }

    /// Sends SIGTERM to every process (gateway first), waits for graceful exit, then kills.
    pub fn stop(&mut self) {
        for (name, child) in self.children.iter_mut().rev() {
            if matches!(child.try_wait(), Ok(None)) {
                let _ = cmd::new("kill").args(["-TERM", &child.id().to_string()]).status();
            }
            let deadline = Instant::now() + Duration::from_secs(10);
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            if matches!(child.try_wait(), Ok(None)) {
                eprintln!("  {name} did not stop within 10 s; killing it");
                let _ = child.kill();
            }
            let _ = child.wait();
        }
        self.children.clear();
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Builds the service binaries unless every one is already there. Call it right after a
/// successful `cargo test --workspace`: that builds (and keeps current) each service's binary
/// for its integration tests, and a second `cargo build` would only recompile the services and
/// their dependencies under another feature set.
pub fn ensure_services(profile: Profile) -> Result<()> {
    let mut names = services::ALL
        .iter()
        .map(|s| format!("mercado-{}", s.name))
        .chain(["mercado-gateway".to_string()]);
    if names.all(|name| Path::new(&bin(profile, &name)).is_file()) {
        println!("  every service binary is current from the test build");
        return Ok(());
    }
    build_services(profile)
}

fn bin(profile: Profile, name: &str) -> String {
    profile.bin_dir().join(name).to_string_lossy().into_owned()
}

#[derive(Clone)]
enum Sink {
    Terminal(usize),
    File(PathBuf),
}

/// Copies a child's output line by line, prefixed with its name (coloured on a terminal).
fn forward(name: &str, stream: impl Read + Send + 'static, sink: Sink) -> Result<()> {
    let name = name.to_string();
    let mut file = match &sink {
        Sink::File(path) => Some(std::fs::OpenOptions::new().create(true).append(true).open(path)?),
        Sink::Terminal(_) => None,
    };
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            match (&sink, file.as_mut()) {
                (Sink::File(_), Some(f)) => {
                    let _ = writeln!(f, "{line}");
                }
                (Sink::Terminal(i), _) => {
                    let colour = [36, 33, 35, 32, 34, 31][i % 6];
                    println!("\x1b[{colour}m{name:>8} |\x1b[0m {line}");
                }
                _ => {}
            }
        }
    });
    Ok(())
}

/// Polls `GET path` on a local port until it answers 200 (30 s at most).
pub fn wait_http(port: u16, path: &str, what: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if http_get(port, path).is_some_and(|(status, _)| status == 200) {
            println!("  ✓ {what} ready on :{port}");
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("{what} did not become ready on port {port} within 30 s (GET {path})");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A minimal HTTP/1.0 GET against 127.0.0.1, enough for readiness checks.
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((status, body))
}

/// Removes a directory if present (fresh data for test stacks).
pub fn fresh_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir)?;
    Ok(())
}
