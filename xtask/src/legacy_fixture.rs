//! The e2e fixture built by another toolchain: `e2e/fixtures/legacy-toolchain-mfe`, its own
//! workspace pinned to wasm-bindgen 0.2.100, packaged with a wasm-bindgen CLI of that version.
//!
//! It proves that MFEs built by teams on different toolchains run side by side on one page
//! (each module has its own scope, memory and table; only the DOM and window events are
//! shared). Only the e2e web dir gets it; `xtask up` and `build` never pay for its toolchain.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

use crate::{cmd, paths, web};
use contracts::manifest::{MfeEntry, SLOT_MAIN};

/// The wasm-bindgen the fixture's Cargo.toml pins.
const WASM_BINDGEN: &str = "0.2.100";
/// The fixture's name in the test manifest, and its lib name.
const NAME: &str = "legacy";

/// Builds and packages the fixture into `staging/mfe/legacy/…`; returns its manifest entry.
pub fn package(staging: &Path) -> Result<MfeEntry> {
    let crate_dir = paths::root().join("e2e/fixtures/legacy-toolchain-mfe");
    cmd::run(
        cmd::new("cargo")
            .args([
                "build",
                "--release",
                "--locked",
                "--target",
                "wasm32-unknown-unknown",
                "--manifest-path",
            ])
            .arg(crate_dir.join("Cargo.toml"))
            // Its own workspace, but the shared target dir (and the path read below).
            .env("CARGO_TARGET_DIR", paths::target_dir()),
    )?;
    let input = paths::target_dir().join("wasm32-unknown-unknown/release/legacy.wasm");
    let bindgen = paths::target_dir().join("legacy-bindgen");
    if bindgen.exists() {
        std::fs::remove_dir_all(&bindgen)?;
    }
    cmd::run(
        cmd::new(cli()?.to_string_lossy().as_ref())
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--out-name",
                NAME,
                "--out-dir",
            ])
            .arg(&bindgen)
            .arg(&input),
    )?;
    let js = std::fs::read(bindgen.join(format!("{NAME}.js")))?;
    let wasm = std::fs::read(bindgen.join(format!("{NAME}_bg.wasm")))?;
    let meta = web::BuildMeta {
        name: NAME,
        version: WASM_BINDGEN,
        // It implements mount ABI 1.0 by hand, as an MFE from another repository would.
        contract: "1.0",
        routes: &["/__fixtures/legacy".to_string()],
        slot: SLOT_MAIN,
    };
    web::stage_build(staging, &meta, &js, &wasm)
}

/// The wasm-bindgen CLI of the fixture's version, installed once into the shared target dir
/// (≈6 min on 2 cores; not `--locked`, which fails to resolve here, as for the main CLI).
fn cli() -> Result<PathBuf> {
    let root = paths::target_dir()
        .join("legacy-tools")
        .join(format!("wasm-bindgen-{WASM_BINDGEN}"));
    let binary = root.join("bin").join("wasm-bindgen");
    let wanted = format!("wasm-bindgen {WASM_BINDGEN}");
    if cmd::works(binary.to_string_lossy().as_ref(), &["--version"]).is_some_and(|v| v.contains(&wanted)) {
        return Ok(binary);
    }
    println!("  installing wasm-bindgen-cli {WASM_BINDGEN} for the other-toolchain fixture (≈6 min, once)");
    cmd::run(
        cmd::new("cargo")
            .args(["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN, "--root"])
            .arg(&root),
    )
    .context("installing the fixture's wasm-bindgen CLI")?;
    Ok(binary)
}
