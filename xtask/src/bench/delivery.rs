//! The bench's delivery times, in one run: publishing one MFE with `cargo xtask mfe publish`
//! after a change to it, against the full web build a change to code every part shares
//! (`frontends/kit`) costs. Both do all their work: the changed sources are touched and the
//! packaged outputs forgotten, so cargo recompiles and links, and wasm-bindgen and wasm-opt
//! run again.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Instant, SystemTime};

use anyhow::{Context, Result};

use crate::{paths, tools::Tools, web};

/// The MFE published alone, and the source file touched to change it.
const ONE_MFE: (&str, &str) = ("catalog", "frontends/catalog/src/lib.rs");
/// A file the shell and every MFE compile.
const SHARED_SOURCE: &str = "frontends/kit/src/lib.rs";

/// Times both and writes the section into `report`.
pub fn measure(tools: &Tools, build: &web::WebBuild, report: &mut String) -> Result<()> {
    println!("==> delivery: one MFE published against a full web build");
    // Published into a copy, so the live dist/ is not what this measures.
    let web_copy = tempfile::tempdir()?;
    web::copy_dir(&paths::dist_dir(), web_copy.path())?;

    let (name, source) = ONE_MFE;
    touch(&paths::root().join(source))?;
    web::forget_outputs(&[name], false)?;
    let started = Instant::now();
    web::publish_one(tools, name, web_copy.path())?;
    let one = started.elapsed();

    touch(&paths::root().join(SHARED_SOURCE))?;
    let every_mfe: Vec<&str> = build.mfes.iter().map(|mfe| mfe.name.as_str()).collect();
    web::forget_outputs(&every_mfe, true)?;
    let started = Instant::now();
    web::build(tools)?;
    let all = started.elapsed();

    writeln!(report, "## Delivery (one change, built and published; one run)\n")?;
    writeln!(report, "| build | time | ratio |\n|---|---|---|")?;
    writeln!(
        report,
        "| `cargo xtask mfe publish {name}` after a change to the {name} | {:.1} s | {:.2} |",
        one.as_secs_f64(),
        one.as_secs_f64() / all.as_secs_f64()
    )?;
    writeln!(
        report,
        "| full web build (shell + every MFE) after a change to `frontends/kit` | {:.1} s | 1 |\n",
        all.as_secs_f64()
    )?;
    Ok(())
}

/// Sets `file`'s modification time to now, so cargo sees it changed.
fn touch(file: &Path) -> Result<()> {
    std::fs::File::options()
        .append(true)
        .open(file)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .with_context(|| format!("touching {}", file.display()))
}
