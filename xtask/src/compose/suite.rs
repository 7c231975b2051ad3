//! The "compose stack" stage of `cargo xtask test`: the real containers, booted from nothing
//! pulled, selling. It builds and starts the stack as its own compose project (so it never
//! touches the demo's volumes), waits until it is ready, drives the browser purchase journey
//! and a review against http://127.0.0.1:8080, kills one replica of every replicated service
//! during a short load of catalog reads and orders (e2e/test_compose.py), takes the stack
//! `down` and `up` again and finds that shopper's account, orders and cart
//! (e2e/test_compose_restart.py), and always ends with `down -v`.

use anyhow::{bail, Context, Result};
use std::net::TcpStream;

use super::Compose;
use crate::{cmd, paths, tools};
use contracts::services::{self, GATEWAY_PORT};

/// The suite's compose project: separate containers and volumes from the demo's.
const TEST_PROJECT: &str = "mercado-test";

/// Browser tests that hold against a real stack: its default rate limits (about eight
/// sign-ins and registrations in all, under identity's 30 registrations an hour from one
/// address) and its own web.
const JOURNEYS: &[&str] = &[
    "e2e/test_checkout.py::test_buy_and_watch_the_order_turn_paid_then_shipped",
    "e2e/test_reviews.py::test_posting_updates_the_rating_at_once_and_tells_the_page",
    // Last: it kills a replica of each replicated service.
    "e2e/test_compose.py",
];

/// Runs the stage; the web must be built already (`web::build`).
pub fn test(tools: &tools::Tools) -> Result<()> {
    let compose = Compose::ready(TEST_PROJECT)?;
    if TcpStream::connect(("127.0.0.1", GATEWAY_PORT)).is_ok() {
        bail!(
            "something already listens on 127.0.0.1:{GATEWAY_PORT} (a `cargo xtask up` or \
             `compose up`?): stop it, the compose test publishes its gateway there"
        );
    }
    super::env_file::ensure()?;
    // A run that was killed half-way may have left its containers and volumes.
    down(&compose)?;
    let outcome = super::up(&compose, tools)
        .and_then(|()| journeys(&compose, tools))
        .and_then(|()| after_down_and_up(&compose, tools));
    if outcome.is_err() {
        keep_logs(&compose);
    }
    let down = down(&compose);
    outcome.and(down)
}

/// `down -v`, once more if the first left the network behind: containers the test killed and
/// Docker was restarting can still hold an endpoint on it while they are removed ("network …
/// has active endpoints"); the second `down` usually finds them gone and removes the network.
///
/// Docker can also keep such an endpoint with no container behind it until `dockerd`
/// restarts (seen once: minutes later it still refused `docker network rm`, and a restart
/// cleared it). Then every container and volume is gone and only the empty network is left,
/// which is not the stack's doing: that is said, and the stage stands on its tests.
fn down(compose: &Compose) -> Result<()> {
    down_leaving(compose, &["down", "-v", "--remove-orphans"])?;
    Ok(())
}

/// `compose args` (a `down`), once more if the first left the network behind, and accepted
/// when only that network is left, as [`down`] says. Returns whether the network was left;
/// the volumes of a `down -v` are then removed here.
fn down_leaving(compose: &Compose, args: &[&str]) -> Result<bool> {
    if compose.run(args).is_ok() {
        return Ok(false);
    }
    println!("  the first `down` left something behind; once more");
    let again = compose.run(args);
    if again.is_err() && compose.all_containers()?.is_empty() {
        if args.contains(&"-v") {
            compose.remove_volumes()?;
        }
        println!(
            "  warning: every container is gone, but Docker keeps a stale endpoint on the \
             project's network; restarting dockerd clears it"
        );
        return Ok(true);
    }
    again.map(|()| false)
}

fn journeys(compose: &Compose, tools: &tools::Tools) -> Result<()> {
    let base_url = format!("http://127.0.0.1:{GATEWAY_PORT}");
    cmd::run(
        cmd::new(tools.python.to_string_lossy().as_ref())
            .args(["-m", "pytest", "-q", "-rP", "-p", "no:cacheprovider"])
            .args(JOURNEYS)
            .env("BASE_URL", &base_url)
            .env("COMPOSE_URL", &base_url)
            .env("COMPOSE_REPLICAS", replicas(compose)?)
            .env("E2E_ARTIFACTS", artifacts_dir().join("artifacts")),
    )
}

/// `down` (the volumes stay), `up` again, and the shopper test_compose.py left behind still
/// signs in and finds its orders and cart (e2e/test_compose_restart.py).
fn after_down_and_up(compose: &Compose, tools: &tools::Tools) -> Result<()> {
    // Right after replicas were killed Docker may keep a stale endpoint on the network (see
    // `down`): the stack is down all the same, and `up` joins the network that is left.
    down_leaving(compose, &["down"])?;
    compose.run(&["up", "-d"])?;
    super::ready::wait(compose)?;
    let base_url = format!("http://127.0.0.1:{GATEWAY_PORT}");
    cmd::run(
        cmd::new(tools.python.to_string_lossy().as_ref())
            .args(["-m", "pytest", "-q", "-rP", "-p", "no:cacheprovider"])
            .arg("e2e/test_compose_restart.py")
            .env("COMPOSE_URL", &base_url)
            .env("COMPOSE_RESTARTED", "1")
            .env("E2E_ARTIFACTS", artifacts_dir().join("artifacts")),
    )
}

/// `catalog=<id>,<id> identity=<id>,<id> …`: the containers of every replicated service (the
/// catalog and each service on PostgreSQL), which the compose test kills one of each.
fn replicas(compose: &Compose) -> Result<String> {
    let replicated = std::iter::once(&services::CATALOG).chain(crate::postgres::on_postgres());
    let mut listed = Vec::new();
    for service in replicated {
        let containers = compose.containers(service.name)?;
        if containers.len() < 2 {
            bail!(
                "{} runs {} replica(s); the file asks for 2",
                service.name,
                containers.len()
            );
        }
        listed.push(format!("{}={}", service.name, containers.join(",")));
    }
    Ok(listed.join(" "))
}

fn artifacts_dir() -> std::path::PathBuf {
    paths::target_dir().join("compose-test")
}

/// Saves every container's log next to the test artifacts, for a failed run.
fn keep_logs(compose: &Compose) {
    let path = artifacts_dir().join("compose.log");
    let saved = std::fs::create_dir_all(artifacts_dir())
        .context("creating the artifacts folder")
        .and_then(|()| {
            let mut command = compose.command();
            command.args(["logs", "--no-color", "--timestamps"]);
            let out = command.output().context("reading the containers' logs")?;
            let mut text = out.stdout;
            text.extend_from_slice(&out.stderr);
            std::fs::write(&path, text).context("writing the logs")
        });
    match saved {
        Ok(()) => eprintln!("  container logs: {}", path.display()),
        Err(err) => eprintln!("  could not keep the container logs: {err:#}"),
    }
}
