//! Running child commands with the project's tool PATH, failing loudly with the command line.

use anyhow::{bail, Context, Result};
use std::process::{Command, Stdio};

/// A command in the workspace root with the tool PATH set.
///
/// Without the `CARGO_MANIFEST_DIR` that `cargo xtask` gave this process: ring's build script
/// watches that variable, so a `cargo build` inheriting it (a new path for every CI clone)
/// rebuilt ring and everything above it (rustls, async-nats, kit, every service) each time.
pub fn new(program: &str) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(crate::paths::root())
        .env("PATH", crate::paths::tool_path())
        .env_remove("CARGO_MANIFEST_DIR");
    command
}

/// Runs `command`, streaming its output, and fails if it exits non-zero.
pub fn run(command: &mut Command) -> Result<()> {
    let shown = describe(command);
    println!("  $ {shown}");
    let status = command
        .status()
        .with_context(|| format!("could not start `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// Runs `command` and returns its stdout, failing with its stderr if it exits non-zero.
pub fn output(command: &mut Command) -> Result<String> {
    let shown = describe(command);
    let out = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("could not start `{shown}`"))?;
    if !out.status.success() {
        bail!(
            "`{shown}` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether `program` runs at all (with `--version`), using the tool PATH.
pub fn works(program: &str, args: &[&str]) -> Option<String> {
    let out = new(program).args(args).stdin(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}
