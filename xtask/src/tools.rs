//! Installs what is missing, once, and says so: the wasm target, trunk, wasm-bindgen-cli at
//! exactly the Cargo.lock version, wasm-opt (npm binaryen), esbuild (npm),
//! nats-server/pytest/playwright (a project venv), and for tests Debian's Chromium.
//!
//! Versions are pinned here because each has bitten us (TOOLCHAIN.md): trunk 0.22 needs a
//! newer rustc, a wasm-bindgen CLI that differs from the crate makes trunk try to download
//! one, and Debian's binaryen 108 breaks the wasm it "optimises".

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

use crate::{cmd, paths};

/// trunk release that builds on rustc 1.95.
const TRUNK_VERSION: &str = "0.21.14";
/// binaryen release whose wasm-opt handles our modules (Debian's 108 does not).
const BINARYEN_VERSION: &str = "132";
/// esbuild release that minifies the wasm-bindgen glue of the shell and every MFE.
pub const ESBUILD_VERSION: &str = "0.28.2";
/// axe-core release the e2e suite audits every page with (accessibility).
const AXE_VERSION: &str = "4.14.1";

/// What the caller is about to do, which decides what must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    /// Build the web and services.
    Build,
    /// Build and run (adds nats-server).
    Up,
    /// Everything `up` needs plus the browser and test runner.
    Test,
}

/// Resolved tool locations.
#[derive(Debug, Clone)]
pub struct Tools {
    /// `wasm-bindgen` executable matching the crate version.
    pub wasm_bindgen: PathBuf,
    /// `wasm-opt` from binaryen 132.
    pub wasm_opt: PathBuf,
    /// `esbuild`, the JS glue's minifier.
    pub esbuild: PathBuf,
    /// The project venv's python (pytest, playwright).
    pub python: PathBuf,
    /// `nats-server` with JetStream.
    pub nats_server: PathBuf,
}

/// Checks every tool `need` requires, installing what is missing.
pub fn ensure(need: Need) -> Result<Tools> {
    println!("==> checking tools");
    wasm_target()?;
    let wasm_bindgen = wasm_bindgen_cli()?;
    trunk()?;
    let wasm_opt = wasm_opt()?;
    let esbuild = esbuild()?;
    let python = venv()?;
    let nats_server = paths::venv_bin().join("nats-server");
    if need >= Need::Test {
        chromium()?;
        axe_core()?;
    }
    Ok(Tools {
        wasm_bindgen,
        wasm_opt,
        esbuild,
        python,
        nats_server,
    })
}

fn wasm_target() -> Result<()> {
    let installed = cmd::output(cmd::new("rustup").args(["target", "list", "--installed"]))
        .context("rustup is needed to add the wasm32 target")?;
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        println!("  ✓ wasm32-unknown-unknown target");
        return Ok(());
    }
    println!("  installing the wasm32-unknown-unknown target (seconds)");
    cmd::run(cmd::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The wasm-bindgen version in Cargo.lock; the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(paths::root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.trim().strip_prefix("version = ")) {
                return Ok(version.trim_matches('"').to_string());
            }
        }
    }
    bail!("wasm-bindgen is not in Cargo.lock")
}

fn wasm_bindgen_cli() -> Result<PathBuf> {
    let version = locked_wasm_bindgen_version()?;
    let wanted = format!("wasm-bindgen {version}");
    if cmd::works("wasm-bindgen", &["--version"]).is_some_and(|v| v == wanted) {
        println!("  ✓ {wanted}");
    } else {
        println!("  installing wasm-bindgen-cli {version} (≈6 min on 2 cores, once)");
        // Without --locked: with it, dependency resolution fails against this registry.
        cargo_install(&["wasm-bindgen-cli", "--version", &version])?;
    }
    which("wasm-bindgen")
}

fn trunk() -> Result<()> {
    let wanted = format!("trunk {TRUNK_VERSION}");
    if cmd::works("trunk", &["--version"]).is_some_and(|v| v == wanted) {
        println!("  ✓ {wanted}");
        return Ok(());
    }
    println!("  installing trunk {TRUNK_VERSION} (≈14 min on 2 cores, once)");
    cargo_install(&["trunk", "--locked", "--version", TRUNK_VERSION])
}

fn cargo_install(args: &[&str]) -> Result<()> {
    cmd::run(cmd::new("cargo").arg("install").args(args))
}

/// axe-core's browser script, which the e2e suite injects to audit each page.
fn axe_core() -> Result<()> {
    let manifest = paths::tools_dir().join("node_modules/axe-core/package.json");
    let installed = std::fs::read_to_string(&manifest).unwrap_or_default();
    if installed.contains(&format!("\"version\": \"{AXE_VERSION}\"")) {
        println!("  ✓ axe-core {AXE_VERSION}");
        return Ok(());
    }
    println!("  installing axe-core {AXE_VERSION} from npm for the accessibility audit (seconds)");
    npm_install(&format!("axe-core@{AXE_VERSION}"))
}

fn npm_install(package: &str) -> Result<()> {
    if cmd::works("npm", &["--version"]).is_none() {
        bail!("npm is missing: install Node.js and npm (e.g. `apt-get install nodejs npm`), then run again");
    }
    let prefix = paths::tools_dir();
    std::fs::create_dir_all(&prefix)?;
    cmd::run(
        cmd::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(package),
    )
}

fn wasm_opt() -> Result<PathBuf> {
    let path = paths::node_bin().join("wasm-opt");
    let wanted = format!("version {BINARYEN_VERSION}");
    let current = cmd::works(path.to_string_lossy().as_ref(), &["--version"]);
    if current.as_deref().is_some_and(|v| v.contains(&wanted)) {
        println!("  ✓ wasm-opt {wanted}");
        return Ok(path);
    }
    println!("  installing binaryen {BINARYEN_VERSION} from npm for wasm-opt (seconds)");
    npm_install(&format!("binaryen@{BINARYEN_VERSION}"))?;
    Ok(path)
}

fn esbuild() -> Result<PathBuf> {
    let path = paths::node_bin().join("esbuild");
    let current = cmd::works(path.to_string_lossy().as_ref(), &["--version"]);
    if current.as_deref() == Some(ESBUILD_VERSION) {
        println!("  ✓ esbuild {ESBUILD_VERSION}");
        return Ok(path);
    }
    println!("  installing esbuild {ESBUILD_VERSION} from npm for the JS glue (seconds)");
    npm_install(&format!("esbuild@{ESBUILD_VERSION}"))?;
    Ok(path)
}

/// Only the project venv (e.g. for `cargo xtask kube`, which needs none of the web tools).
pub fn python_tools() -> Result<PathBuf> {
    venv()
}

/// The project venv with the pinned Python tools (nats-server, pytest, playwright,
/// kubernetes-validate).
fn venv() -> Result<PathBuf> {
    let venv = paths::tools_dir().join("venv");
    let python = venv.join("bin").join("python");
    let requirements = paths::root().join("e2e").join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).context("reading e2e/requirements.txt")?;
    let stamp = venv.join(".installed-requirements");
    if python.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        println!("  ✓ python tools (nats-server, pytest, playwright)");
        return Ok(python);
    }
    println!("  installing python tools into .tools/venv: nats-server, pytest, playwright (seconds)");
    if !python.exists() {
        cmd::run(cmd::new("python3").args(["-m", "venv"]).arg(&venv))
            .context("python3 with venv is needed (apt-get install python3-venv)")?;
    }
    cmd::run(
        cmd::new(python.to_string_lossy().as_ref())
            .args(["-m", "pip", "install", "-q", "-r"])
            .arg(&requirements),
    )?;
    std::fs::write(&stamp, wanted)?;
    Ok(python)
}

/// Debian's Chromium, which the e2e tests and the browser benchmarks drive headless.
fn chromium() -> Result<()> {
    if Path::new("/usr/bin/chromium").exists() {
        println!("  ✓ chromium");
        return Ok(());
    }
    apt_install(&["chromium"], "Chromium for the browser tests")
}

/// Whether xtask runs as root (apt without sudo; PostgreSQL must then run as its own user).
pub fn as_root() -> bool {
    cmd::works("id", &["-u"]).is_some_and(|uid| uid == "0")
}

/// Installs Debian packages, or says exactly what to install when that is not possible.
pub fn apt_install(packages: &[&str], what: &str) -> Result<()> {
    println!(
        "  installing {what} with apt-get: {} (≈1–2 min)",
        packages.join(" ")
    );
    let prefix: &[&str] = if as_root() { &[] } else { &["sudo", "-n"] };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = prefix.to_vec();
        all.extend_from_slice(args);
        let mut command = cmd::new(all[0]);
        command.args(&all[1..]).env("DEBIAN_FRONTEND", "noninteractive");
        cmd::run(&mut command)
    };
    let installed = apt(&["apt-get", "update", "-qq"])
        .and_then(|_| apt(&[&["apt-get", "install", "-y", "-qq"][..], packages].concat()));
    installed.with_context(|| {
        format!(
            "could not install {what}; install it yourself: `sudo apt-get install {}`",
            packages.join(" ")
        )
    })
}

fn which(program: &str) -> Result<PathBuf> {
    std::env::split_paths(&paths::tool_path())
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .with_context(|| format!("{program} not found on PATH after installing it"))
}
