//! `cargo xtask <command>`: the developer and CI entry points of Mercado.
//!
//! - `up [--release]`: install what is missing, build everything, run nats-server, every
//!   service and the gateway with prefixed logs; the storefront is on http://localhost:8080.
//! - `build`: install what is missing and build the web (shell + MFEs + manifest) and services.
//! - `test`: the whole suite — fmt, clippy, unit and integration tests against a real
//!   nats-server, and browser e2e in headless Chromium against the running stack.
//! - `e2e [pytest args]`: only the browser suite, e.g. `cargo xtask e2e -k checkout`.
//! - `test-postgres [cargo test args]`: only the services' tests on a throw-away PostgreSQL.
//! - `bench [section…]`: sizes, throughput, browser timings, memory and the order saga under
//!   load; writes BENCHMARKS.md (only prints when sections are named).
//! - `mfe publish NAME | rollback NAME | list [--web-dir DIR]`: ship one micro-frontend alone
//!   (build only it, swap its manifest entry), return to its previous build, show what is live.
//! - `compose up | down [-v] | test`: the demo stack as containers (static binaries on scratch
//!   images, storefront on http://localhost:8080); `down -v` also forgets its data; `test` runs
//!   the suite's compose stage alone.
//! - `kube [check | secrets dev]`: render and validate deploy/k8s/ offline (a stage of `test`),
//!   or generate the dev overlay's secrets.
//! - `load [--users N] [--duration D] [--think-ms MIN..MAX] [--target URL]`: virtual shoppers
//!   (browse, search, cart, checkout) against a running stack, a live progress line, and a
//!   summary per step (rps, p50, p99, errors).
//! - `partner-key issue --partner NAME --tier free|partner | list | revoke ID`: partner API
//!   keys through identity's admin API (`ADMIN_TOKEN`, `IDENTITY_URL`).
//! - `tools`: only install/check the tool chain.
//!
//! It never holds product logic: it drives cargo, trunk, wasm-bindgen, wasm-opt and processes.

mod bench;
mod chaos;
mod cmd;
mod compose;
mod kube;
mod legacy_fixture;
mod load;
mod mfe;
mod mfe_store;
mod partner_key;
mod paths;
mod postgres;
mod precompress;
mod short_imports;
mod stack;
mod test;
mod tools;
mod web;

use anyhow::Result;

const USAGE: &str =
    "usage: cargo xtask <up [--release] | build | test | e2e [pytest args] | test-postgres [cargo test args] | bench [section…] | mfe … | compose … | kube … | load [--users N --duration D …] | chaos [--orders N --seed S] | partner-key … | tools>";

fn main() {
    if let Err(err) = run() {
        eprintln!("\nxtask: error: {err:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let release = args.iter().any(|a| a == "--release");
    match args.first().map(String::as_str) {
        Some("up") => stack::up(release),
        Some("build") => {
            let tools = tools::ensure(tools::Need::Build)?;
            web::build(&tools)?;
            stack::build_services(stack::Profile::from_flag(release))
        }
        Some("test") => test::run(),
        Some("e2e") => test::run_e2e(&args[1..]),
        Some("test-postgres") => test::run_postgres(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("compose") => compose::run(&args[1..]),
        Some("mfe") => mfe::run(&args[1..]),
        Some("kube") => kube::run(&args[1..]),
        Some("partner-key") => partner_key::run(&args[1..]),
        Some("load") => load::run(&args[1..]),
        Some("chaos") => chaos::run(&args[1..]),
        Some("tools") => tools::ensure(tools::Need::Test).map(|_| ()),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
}
