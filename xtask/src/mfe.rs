//! `cargo xtask mfe publish|rollback|list`: one team ships its micro-frontend alone.
//!
//! `publish <name>` compiles only that MFE (no shell, no other MFE), packages it under a
//! content-hashed folder and swaps its manifest entry; the running gateway serves the new
//! manifest at once and open pages pick the build up on their next navigation. `rollback
//! <name>` makes the build published before the live one live again. `list` shows what is
//! published. `--web-dir DIR` (default `dist/`, what `xtask up` serves) points at another
//! store: the gateway's `WEB_DIR`, e.g. a compose volume or a Kubernetes volume mounted here.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::Instant;

use crate::mfe_store::{Release, Store};
use crate::{paths, tools, web};

const USAGE: &str = "usage: cargo xtask mfe <publish NAME | rollback NAME | list> [--web-dir DIR]";

/// Runs `cargo xtask mfe …` with the arguments after `mfe`.
pub fn run(args: &[String]) -> Result<()> {
    let (web_dir, rest) = web_dir(args)?;
    match rest.as_slice() {
        ["publish", name] => publish(name, &web_dir),
        ["rollback", name] => {
            let entry = Store::open(&web_dir)?.rollback(name)?;
            println!(
                "✓ {name}: build {} ({}) is live again",
                entry.build, entry.version
            );
            Ok(())
        }
        ["list"] => list(&web_dir),
        _ => bail!("{USAGE}"),
    }
}

fn publish(name: &str, web_dir: &std::path::Path) -> Result<()> {
    let started = Instant::now();
    let tools = tools::ensure(tools::Need::Build)?;
    let entry = web::publish_one(&tools, name, web_dir)?;
    println!(
        "✓ published {name} {} build {} (contract {}) to {} in {:.1?}",
        entry.version,
        entry.build,
        entry.contract,
        web_dir.display(),
        started.elapsed()
    );
    Ok(())
}

fn list(web_dir: &std::path::Path) -> Result<()> {
    let listed = Store::open(web_dir)?.list()?;
    if listed.is_empty() {
        println!("nothing is published in {}", web_dir.display());
    }
    for (name, releases) in listed {
        for (n, release) in releases.iter().enumerate() {
            let mark = if n == 0 { "live" } else { "kept" };
            println!("{name:<10} {mark}  {}", describe(release));
        }
    }
    Ok(())
}

fn describe(release: &Release) -> String {
    let entry = &release.entry;
    let when = match release.published_at {
        0 => "before histories were kept".to_string(),
        at => format!("published at {at} (Unix time)"),
    };
    format!(
        "build {}  version {}  contract {}  {when}",
        entry.build, entry.version, entry.contract
    )
}

/// Takes `--web-dir DIR` out of the arguments (default: `dist/`).
fn web_dir(args: &[String]) -> Result<(PathBuf, Vec<&str>)> {
    let mut dir = paths::dist_dir();
    let mut rest = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--web-dir" {
            dir = PathBuf::from(args.next().context("--web-dir needs a folder")?);
        } else {
            rest.push(arg.as_str());
        }
    }
    Ok((dir, rest))
}
