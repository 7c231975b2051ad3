//! The images' contents, made on the host: every service compiled ONCE (one cargo invocation,
//! so features unify the same way for all) as a static `x86_64-unknown-linux-musl` binary,
//! then one build context per image in `target/compose/<name>/` holding the stripped binary,
//! its Dockerfile (one for every service, `deploy/service.Dockerfile`; the gateway's and NATS'
//! own) and the empty folders the Dockerfile copies. Images are `FROM scratch`.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

use crate::{cmd, paths, tools};
use contracts::services;

/// The static target: no libc to find in a scratch image.
const TARGET: &str = "x86_64-unknown-linux-musl";
/// The services' optimised profile (Cargo.toml).
const PROFILE: &str = "release-native";
/// An image above this is a regression (issue 15).
const MAX_IMAGE_BYTES: u64 = 30 * 1024 * 1024;

/// The PostgreSQL image's compose service (and build context): made from Debian's packages,
/// not from a binary of ours (`postgres_image`), and outside the services' size budget.
const POSTGRES: &str = "postgres";

/// One image of the stack.
struct Image {
    /// Compose service name.
    name: String,
    /// Package (and binary) name.
    binary: String,
    /// The Dockerfile staged into its build context.
    dockerfile: PathBuf,
    /// The binary's file name in the build context (what the Dockerfile copies).
    staged_as: String,
}

/// Every image of the stack. The services share one Dockerfile (each is told who it is by its
/// environment); the gateway and NATS have their own.
fn images() -> Vec<Image> {
    let root = paths::root();
    let mut all: Vec<Image> = services::ALL
        .iter()
        .map(|s| Image {
            name: s.name.to_string(),
            binary: format!("mercado-{}", s.name),
            dockerfile: root.join("deploy").join("service.Dockerfile"),
            staged_as: "service".into(),
        })
        .collect();
    all.push(Image {
        name: "gateway".into(),
        binary: "mercado-gateway".into(),
        dockerfile: root.join("backend").join("gateway").join("Dockerfile"),
        staged_as: "mercado-gateway".into(),
    });
    all.push(Image {
        name: "nats".into(),
        binary: "nats-server".into(),
        dockerfile: root.join("deploy").join("nats").join("Dockerfile"),
        staged_as: "nats-server".into(),
    });
    all
}

/// Every image's compose service name (and build context folder), the PostgreSQL one last.
fn image_names() -> impl Iterator<Item = String> {
    images()
        .into_iter()
        .map(|image| image.name)
        .chain([POSTGRES.to_string()])
}

/// Every image's local tag, `mercado/<name>:local`.
fn image_tags() -> impl Iterator<Item = String> {
    image_names().map(|name| format!("mercado/{name}:local"))
}

/// Where the build contexts are staged (the compose file names them relative to itself).
fn contexts_dir() -> PathBuf {
    paths::root().join("target").join("compose")
}

/// Compiles every service and the gateway for [`TARGET`] in one cargo invocation.
pub fn build_binaries() -> Result<()> {
    musl_toolchain()?;
    println!("==> building every service once, static ({TARGET}, {PROFILE})");
    let mut command = cmd::new("cargo");
    command.args(["build", "--profile", PROFILE, "--target", TARGET]);
    for image in images().iter().filter(|i| i.name != "nats") {
        command.args(["-p", &image.binary]);
    }
    cmd::run(&mut command)
}

/// The musl target and a C compiler for it (ring and SQLite have C code).
fn musl_toolchain() -> Result<()> {
    let installed = cmd::output(cmd::new("rustup").args(["target", "list", "--installed"]))
        .context("rustup is needed to add the musl target")?;
    if !installed.lines().any(|l| l.trim() == TARGET) {
        println!("  installing the {TARGET} target (seconds)");
        cmd::run(cmd::new("rustup").args(["target", "add", TARGET]))?;
    }
    if cmd::works("musl-gcc", &["--version"]).is_none() {
        tools::apt_install(&["musl-tools"], "musl-gcc for the static service builds")?;
    }
    println!("  ✓ {TARGET} target and musl-gcc");
    Ok(())
}

/// Creates the (empty) build contexts, which docker-compose 1.29 wants to exist even to
/// validate the file.
pub fn create_contexts() -> Result<()> {
    for name in image_names() {
        let context = contexts_dir().join(&name);
        for folder in ["data", "web"] {
            std::fs::create_dir_all(context.join(folder))
                .with_context(|| format!("creating {}", context.join(folder).display()))?;
        }
    }
    Ok(())
}

/// Fills `target/compose/<name>/` for every image from the built binaries and `nats_server`.
pub fn stage(nats_server: &Path) -> Result<()> {
    create_contexts()?;
    let built = paths::target_dir().join(TARGET).join(PROFILE);
    for image in images() {
        let context = contexts_dir().join(&image.name);
        std::fs::copy(&image.dockerfile, context.join("Dockerfile"))
            .with_context(|| format!("copying {}", image.dockerfile.display()))?;
        let nats = image.name == "nats";
        let source = if nats {
            nats_server.to_path_buf()
        } else {
            built.join(&image.binary)
        };
        if !source.is_file() {
            bail!("{} is missing: the build did not produce it", source.display());
        }
        place_binary(&source, &context.join(&image.staged_as), !nats)?;
    }
    let postgres = contexts_dir().join(POSTGRES);
    std::fs::copy(
        paths::root().join("deploy/postgres/Dockerfile"),
        postgres.join("Dockerfile"),
    )
    .context("copying deploy/postgres/Dockerfile")?;
    super::postgres_image::stage(&postgres)?;
    println!("  ✓ build contexts in {}", contexts_dir().display());
    Ok(())
}

/// Copies `source` to `dest`, stripped of symbols when asked and `strip` is there (the same
/// input strips to the same bytes, so an unchanged service keeps its cached image layer).
fn place_binary(source: &Path, dest: &Path, strip: bool) -> Result<()> {
    if strip && cmd::works("strip", &["--version"]).is_some() {
        return cmd::output(cmd::new("strip").arg("-o").arg(dest).arg(source)).map(|_| ());
    }
    std::fs::copy(source, dest)
        .map(|_| ())
        .with_context(|| format!("copying {} to {}", source.display(), dest.display()))
}

/// Every image of the stack with its size in bytes (the PostgreSQL one last).
pub fn sizes() -> Result<Vec<(String, u64)>> {
    let mut sizes = Vec::new();
    for image in image_tags() {
        let out = cmd::output(cmd::new("docker").args(["image", "inspect", "-f", "{{.Size}}", &image]))?;
        let bytes: u64 = out
            .trim()
            .parse()
            .with_context(|| format!("docker reported the size of {image} as {out:?}"))?;
        sizes.push((image, bytes));
    }
    Ok(sizes)
}

/// Removes every image of the stack (and so their build cache), for a cold `up`.
pub fn remove() -> Result<()> {
    let mut command = cmd::new("docker");
    command.args(["image", "rm", "-f"]).args(image_tags());
    cmd::output(&mut command).map(|_| ())
}

/// Prints each image's size and fails if a service's is above [`MAX_IMAGE_BYTES`] (the
/// PostgreSQL image, Debian's server, has no budget).
pub fn report_sizes() -> Result<()> {
    println!("==> image sizes");
    let postgres = format!("mercado/{POSTGRES}:local");
    let mut too_big = Vec::new();
    for (image, bytes) in sizes()? {
        let note = if image == postgres {
            " (Debian's PostgreSQL 15; no budget)"
        } else {
            ""
        };
        println!("  {image:<26} {:>6.1} MB{note}", bytes as f64 / 1e6);
        if bytes > MAX_IMAGE_BYTES && image != postgres {
            too_big.push(image);
        }
    }
    if !too_big.is_empty() {
        bail!("above the 30 MB budget: {}", too_big.join(", "));
    }
    Ok(())
}
