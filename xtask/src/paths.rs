//! Where things live: the workspace root and the folders xtask reads and writes.

use std::path::{Path, PathBuf};

/// The workspace root (the parent of `xtask/`).
///
/// `cargo run` sets `CARGO_MANIFEST_DIR` for the running binary too; that one wins over the
/// compile-time value, because checkouts sharing one target dir share the xtask binary, and
/// the path baked into it may be another checkout's (or a deleted CI clone's).
pub fn root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Project-local tools: the Python venv (nats-server, pytest, playwright), npm binaryen and esbuild.
pub fn tools_dir() -> PathBuf {
    root().join(".tools")
}

/// Cargo's target dir, honouring `CARGO_TARGET_DIR` so CI can share one.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// The built web: the shell from trunk plus `mfe/`; the gateway serves it.
pub fn dist_dir() -> PathBuf {
    root().join("dist")
}

/// Runtime data of `xtask up`: nats-server's JetStream store and the services' SQLite files.
pub fn data_dir() -> PathBuf {
    root().join(".data")
}

/// Directory of the venv's executables (nats-server, pytest, python).
pub fn venv_bin() -> PathBuf {
    tools_dir().join("venv").join("bin")
}

/// Directory of npm-installed executables (wasm-opt).
pub fn node_bin() -> PathBuf {
    tools_dir().join("node_modules").join(".bin")
}

/// `PATH` with the project's tool directories first, for every child process.
pub fn tool_path() -> std::ffi::OsString {
    let mut dirs = vec![node_bin(), venv_bin()];
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo").join("bin"));
    }
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}
