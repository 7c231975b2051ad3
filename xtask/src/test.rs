//! `cargo xtask test`: the whole suite, in the order that fails fastest.
//!
//! 1. `cargo fmt --check` and clippy with `-D warnings` (native crates, and the browser crates
//!    for wasm32);
//! 2. unit and integration tests (`cargo test`), which start real nats-servers and SQLite
//!    databases; then the services that run on PostgreSQL tested again, on a throw-away
//!    server of their own ([`postgres::PostgresCluster`]);
//! 3. `docker-compose.yml` validated by the compose tool; `deploy/k8s/` rendered, validated
//!    offline and checked against the service table (as is compose: `cargo xtask kube`);
//! 4. the web build, then browser e2e: the real stack (nats-server, services, gateway) on its
//!    own ports with fresh data, driven by pytest + Playwright in headless Chromium;
//! 5. the compose stack for real: images from static binaries, `up`, the purchase journey and
//!    a review on 127.0.0.1:8080, a catalog replica killed under load, `down -v`.

use anyhow::{Context, Result};
use std::time::Instant;

use crate::postgres::PostgresCluster;
use crate::stack::{self, Profile, Stack, StackConfig};
use crate::{chaos, cmd, compose, kube, paths, tools, web};

/// Every browser crate: clippy checks them for wasm32.
const BROWSER: &[&str] = &[
    "mercado-web-kit",
    "mercado-shell",
    "mercado-catalog-mfe",
    "mercado-account-mfe",
    "mercado-cart-mfe",
    "mercado-checkout-mfe",
    "mercado-reviews-mfe",
    "mercado-panicking-mfe",
];

/// The crates whose tests run a second time on PostgreSQL: kit (outbox, inbox, relay) and
/// every service that can run on it (the catalog keeps a SQLite copy per replica; the gateway
/// has no database).
const ON_POSTGRES: &[&str] = &[
    "mercado-kit",
    "mercado-identity",
    "mercado-cart",
    "mercado-orders",
    "mercado-inventory",
    "mercado-payments",
    "mercado-shipping",
    "mercado-reviews",
];

/// Browser crates without native unit tests: not compiled natively at all.
const WASM_ONLY: &[&str] = &[
    "mercado-shell",
    "mercado-account-mfe",
    "mercado-cart-mfe",
    "mercado-checkout-mfe",
    "mercado-panicking-mfe",
];

/// Runs every stage; the first failure stops the run with a non-zero exit.
pub fn run() -> Result<()> {
    let started = Instant::now();
    let tools = tools::ensure(tools::Need::Test)?;
    stage("format", || {
        cmd::run(cmd::new("cargo").args(["fmt", "--all", "--check"]))
    })?;
    stage("clippy (native)", || {
        let mut command = cmd::new("cargo");
        command.args(["clippy", "--workspace", "--all-targets"]);
        exclude_wasm_only(&mut command);
        cmd::run(command.args(["--", "-D", "warnings"]))
    })?;
    stage("clippy (wasm32)", || {
        let mut command = cmd::new("cargo");
        command.args(["clippy", "--target", "wasm32-unknown-unknown"]);
        for package in BROWSER {
            command.args(["-p", package]);
        }
        cmd::run(command.args(["--", "-D", "warnings"]))
    })?;
    stage("unit and integration tests", || {
        let mut command = cmd::new("cargo");
        command
            .args(["test", "--workspace"])
            .env("NATS_SERVER_BIN", &tools.nats_server);
        exclude_wasm_only(&mut command);
        cmd::run(&mut command)
    })?;
    stage("integration tests on PostgreSQL", || postgres_tests(&tools, &[]))?;
    stage("docker-compose.yml", compose::validate)?;
    stage("kubernetes manifests", kube::check)?;
    let build = stage("web build", || web::build(&tools))?;
    stage("services build", || stack::ensure_services(Profile::Debug))?;
    stage("browser e2e", || e2e(&tools, &build, &[]))?;
    stage("chaos (short)", || chaos::run_plan(&tools, &chaos::Plan::short()))?;
    stage("compose stack", || compose::test(&tools))?;
    println!("\nxtask test: every stage passed in {:.0?}", started.elapsed());
    Ok(())
}

/// `cargo xtask e2e [pytest args]`: only the browser suite (web and services built as needed),
/// e.g. `-k checkout` while working on one page. `cargo xtask test` remains the gate.
pub fn run_e2e(pytest_args: &[String]) -> Result<()> {
    let tools = tools::ensure(tools::Need::Test)?;
    let build = stage("web build", || web::build(&tools))?;
    // Always `cargo build`: unlike in `test`, no test build just made the binaries current,
    // and a stale one would run yesterday's code against today's tests.
    stage("services build", || stack::build_services(Profile::Debug))?;
    stage("browser e2e", || e2e(&tools, &build, pytest_args))
}

/// `cargo xtask test-postgres [cargo test args]`: only the PostgreSQL pass.
pub fn run_postgres(cargo_args: &[String]) -> Result<()> {
    let tools = tools::ensure(tools::Need::Test)?;
    stage("integration tests on PostgreSQL", || {
        postgres_tests(&tools, cargo_args)
    })
}

/// The [`ON_POSTGRES`] crates' tests with every fresh test database made on one throw-away
/// server (`kit::testing::TestDatabase`).
fn postgres_tests(tools: &tools::Tools, cargo_args: &[String]) -> Result<()> {
    let server = PostgresCluster::start()?;
    let mut command = cmd::new("cargo");
    command.arg("test");
    for package in ON_POSTGRES {
        command.args(["-p", package]);
    }
    command
        .args(cargo_args)
        .env("NATS_SERVER_BIN", &tools.nats_server)
        .env("MERCADO_TEST_POSTGRES", server.admin_url());
    cmd::run(&mut command)
}

fn exclude_wasm_only(command: &mut std::process::Command) {
    for package in WASM_ONLY {
        command.args(["--exclude", package]);
    }
}

fn stage<T>(name: &str, body: impl FnOnce() -> Result<T>) -> Result<T> {
    println!("\n==> {name}");
    let started = Instant::now();
    let value = body().with_context(|| format!("stage `{name}` failed"))?;
    println!("  ✓ {name} ({:.0?})", started.elapsed());
    Ok(value)
}

/// Where the suite's OTLP receiver listens (e2e/test_traces.py) while it runs.
const OTLP_ENDPOINT: &str = "http://127.0.0.1:14318";

/// Every process of the e2e stack exports its spans to the suite's receiver, as OTLP/JSON in
/// quick batches; until a test starts the receiver, the batches are dropped.
const TRACES_TO_THE_SUITE: [(&str, &str); 3] = [
    ("OTEL_EXPORTER_OTLP_ENDPOINT", OTLP_ENDPOINT),
    ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
    ("OTEL_BSP_SCHEDULE_DELAY", "200"),
];

/// Starts a private stack (ports +10000, fresh data, a copy of the web the tests may edit)
/// and runs the pytest suite in `e2e/` against it.
fn e2e(tools: &tools::Tools, build: &web::WebBuild, pytest_args: &[String]) -> Result<()> {
    let work = paths::target_dir().join("e2e");
    stack::fresh_dir(&work)?;
    let web_dir = work.join("web");
    web::stage_test_web(build, &web_dir)?;
    let config = StackConfig {
        gateway_port: 18080,
        port_offset: 10000,
        nats_port: 14222,
        data_dir: work.join("data"),
        web_dir: web_dir.clone(),
        profile: Profile::Debug,
        log_dir: Some(work.join("logs")),
        relaxed_limits: true,
        env: TRACES_TO_THE_SUITE.to_vec(),
        database_urls: Vec::new(),
    };
    let mut stack = Stack::start(tools, config.clone())?;
    let result = cmd::run(
        cmd::new(tools.python.to_string_lossy().as_ref())
            .args(["-m", "pytest", "e2e", "-q", "-p", "no:cacheprovider"])
            .args(pytest_args)
            .env("BASE_URL", config.base_url())
            .env(
                "CATALOG_URL",
                format!(
                    "http://127.0.0.1:{}",
                    config.service_port(&contracts::services::CATALOG)
                ),
            )
            .env("SERVICE_URLS", service_urls(&config))
            .env("OTLP_ENDPOINT", OTLP_ENDPOINT)
            .env("WEB_DIR", &web_dir)
            .env("E2E_ARTIFACTS", work.join("artifacts")),
    );
    stack.stop();
    if result.is_err() {
        eprintln!("  service logs: {}", work.join("logs").display());
    }
    result
}

/// `name=url` of the gateway and every service of the stack, comma-separated: where the
/// monitoring test reads each process's `/metrics`.
fn service_urls(config: &StackConfig) -> String {
    let services = contracts::services::ALL
        .iter()
        .map(|s| format!("{}=http://127.0.0.1:{}", s.name, config.service_port(s)));
    std::iter::once(format!("gateway={}", config.base_url()))
        .chain(services)
        .collect::<Vec<_>>()
        .join(",")
}
