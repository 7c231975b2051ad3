//! `cargo xtask compose up | down [-v] | test`: the demo stack (`docker-compose.yml`) as
//! containers, and its checks in `cargo xtask test` (`compose test` runs that stage alone).
//!
//! No image registry is reachable on our machines, so images are built from nothing pulled:
//! every service is compiled ONCE on the host as a static musl binary, and each image is
//! `FROM scratch` with only that binary ([`images`]). The compose tool is Debian's
//! `docker-compose` 1.29 here and Compose v2 elsewhere ([`engine`]); the file is written for
//! both. Decisions: docs/decisions/0008-compose-stack.md.

mod engine;
mod env_file;
mod images;
mod postgres_image;
mod ready;
mod suite;
mod web_volume;

use anyhow::{bail, Result};
use std::time::Instant;

use crate::{tools, web};

pub use engine::Compose;
pub use suite::test;

/// The compose project of `cargo xtask compose`: its containers and volumes are the demo's.
pub const DEMO_PROJECT: &str = "mercado";

/// `cargo xtask compose <up | down [-v] | test>`.
pub fn run(args: &[String]) -> Result<()> {
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["up"] => {
            let started = Instant::now();
            let tools = tools::ensure(tools::Need::Up)?;
            web::build(&tools)?;
            let compose = Compose::ready(DEMO_PROJECT)?;
            up(&compose, &tools)?;
            println!(
                "\n==> the compose stack is up in {:.0?}: open http://localhost:8080 \
                 (`cargo xtask compose down` stops it, `down -v` forgets its data)",
                started.elapsed()
            );
            Ok(())
        }
        ["test"] => {
            let tools = tools::ensure(tools::Need::Test)?;
            web::build(&tools)?;
            test(&tools)
        }
        ["down", rest @ ..] => {
            let compose = Compose::ready(DEMO_PROJECT)?;
            // The file needs the generated secret even to be read.
            env_file::ensure()?;
            compose.run(&[&["down"][..], rest].concat())
        }
        _ => bail!("usage: cargo xtask compose <up | down [-v] | test>"),
    }
}

/// Builds the images (the web must be built already), starts the stack in the background and
/// waits until every service is ready.
pub fn up(compose: &Compose, tools: &tools::Tools) -> Result<()> {
    images::build_binaries()?;
    images::stage(&tools.nats_server)?;
    env_file::ensure()?;
    compose.run(&["build"])?;
    compose.run(&["up", "--no-start"])?;
    web_volume::publish(compose)?;
    compose.run(&["up", "-d"])?;
    ready::wait(compose)?;
    images::report_sizes()
}

/// Every image of the stack with its size in bytes.
pub fn image_sizes() -> Result<Vec<(String, u64)>> {
    images::sizes()
}

/// Removes every image of the stack, so that the next `up` builds them from nothing.
pub fn remove_images() -> Result<()> {
    images::remove()
}

/// Fails if the compose file is invalid: `config` parses, interpolates and schema-checks it
/// with the real compose tool; no engine is needed.
pub fn validate() -> Result<()> {
    let compose = Compose::tool_only(DEMO_PROJECT)?;
    images::create_contexts()?;
    // The file requires the generated secrets; `config` only checks that they would be passed on.
    let mut command = compose.command();
    command
        .env("WEBHOOK_SECRET", "only-for-config-validation")
        .env("POSTGRES_PASSWORD", "only-for-config-validation");
    for service in crate::postgres::on_postgres() {
        command.env(
            env_file::database_url_key(service),
            "postgres://only-for-config-validation",
        );
    }
    crate::cmd::run(command.args(["config", "-q"]))
}
