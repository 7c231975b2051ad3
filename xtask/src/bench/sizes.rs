//! The bench's download sizes: what a shopper's browser fetches for the shell, for each MFE,
//! and for each page (the shell plus the MFEs its slots mount), gzip -9 and brotli as the
//! gateway serves them (the `.br` copies the build writes, `crate::precompress`).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context, Result};

use super::kb;
use crate::{paths, precompress, web};

/// Each MFE's budget, gzip -9 (issue 16).
const MFE_BUDGET_KB: f64 = 110.0;
/// The shell's budget, gzip -9.
const SHELL_BUDGET_KB: f64 = 120.0;

/// The storefront's pages and the MFEs their slots mount, with each page's budget (gzip -9).
const PAGES: [(&str, &[&str], Option<f64>); 5] = [
    ("home, category, search", &["catalog"], None),
    ("product", &["catalog", "reviews"], Some(300.0)),
    ("cart", &["cart"], None),
    ("checkout", &["checkout"], None),
    ("account, orders", &["account"], None),
];

/// One downloadable part: its wasm and JS, each gzip -9 and brotli.
#[derive(Default, Clone, Copy)]
struct Size {
    wasm_gzip: usize,
    js_gzip: usize,
    brotli: usize,
}

impl Size {
    fn of(wasm: &Path, js: &Path) -> Result<Size> {
        let (wasm_gzip, wasm_brotli) = compressed(wasm)?;
        let (js_gzip, js_brotli) = compressed(js)?;
        Ok(Size {
            wasm_gzip,
            js_gzip,
            brotli: wasm_brotli + js_brotli,
        })
    }

    fn gzip(self) -> usize {
        self.wasm_gzip + self.js_gzip
    }

    fn plus(self, other: Size) -> Size {
        Size {
            wasm_gzip: self.wasm_gzip + other.wasm_gzip,
            js_gzip: self.js_gzip + other.js_gzip,
            brotli: self.brotli + other.brotli,
        }
    }
}

/// Writes the section's tables into `report`.
pub fn section(build: &web::WebBuild, report: &mut String) -> Result<()> {
    let dist = paths::dist_dir();
    let shell = shell_size(&dist)?;
    let mut mfes = Vec::new();
    for mfe in &build.mfes {
        let file = |url: &str| dist.join(url.trim_start_matches('/'));
        mfes.push((mfe.name.as_str(), Size::of(&file(&mfe.wasm), &file(&mfe.js))?));
    }
    writeln!(report, "## Download size (gzip -9, wasm + JS glue)\n")?;
    writeln!(
        report,
        "Brotli is the copy the build writes and the gateway serves to browsers that accept it.\n"
    )?;
    writeln!(
        report,
        "| part | wasm | js | gzip -9 | brotli | target (gzip) |\n|---|---|---|---|---|---|"
    )?;
    part_row(report, "shell", shell, SHELL_BUDGET_KB)?;
    for (name, size) in &mfes {
        part_row(report, &format!("{name} MFE"), *size, MFE_BUDGET_KB)?;
    }
    writeln!(
        report,
        "\n| page | downloads | gzip -9 | brotli | target (gzip) |\n|---|---|---|---|---|"
    )?;
    for (page, names, budget) in PAGES {
        let mut total = shell;
        for name in names {
            let (_, size) = mfes
                .iter()
                .find(|(mfe, _)| mfe == name)
                .with_context(|| format!("no {name} MFE in the build"))?;
            total = total.plus(*size);
        }
        let budget = budget.map(|kb| format!("≤ {kb:.0} KB")).unwrap_or_default();
        writeln!(
            report,
            "| {page} | shell + {} | **{}** | {} | {budget} |",
            names.join(" + "),
            kb(total.gzip()),
            kb(total.brotli)
        )?;
    }
    writeln!(report)?;
    Ok(())
}

fn part_row(report: &mut String, part: &str, size: Size, budget_kb: f64) -> Result<()> {
    writeln!(
        report,
        "| {part} | {} | {} | **{}** | {} | ≤ {budget_kb:.0} KB |",
        kb(size.wasm_gzip),
        kb(size.js_gzip),
        kb(size.gzip()),
        kb(size.brotli)
    )?;
    Ok(())
}

/// The shell's hashed wasm and JS in `dist/`.
fn shell_size(dist: &Path) -> Result<Size> {
    let mut size = Size::default();
    for entry in std::fs::read_dir(dist)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let wasm = name.ends_with(".wasm");
        if !name.starts_with("mercado-shell") || !(wasm || name.ends_with(".js")) {
            continue;
        }
        let (gzip, brotli) = compressed(&path)?;
        if wasm {
            size.wasm_gzip += gzip;
        } else {
            size.js_gzip += gzip;
        }
        size.brotli += brotli;
    }
    if size.wasm_gzip == 0 {
        bail!("no shell wasm found in dist/");
    }
    Ok(size)
}

/// gzip -9 and brotli sizes of `file`: those of the copies the build wrote beside it, as the
/// gateway serves them (computed when one is missing).
fn compressed(file: &Path) -> Result<(usize, usize)> {
    let written = |suffix: &str| {
        std::fs::metadata(format!("{}.{suffix}", file.display()))
            .ok()
            .map(|meta| meta.len() as usize)
    };
    let (gzip, brotli) = (written("gz"), written("br"));
    if let (Some(gzip), Some(brotli)) = (gzip, brotli) {
        return Ok((gzip, brotli));
    }
    let bytes = std::fs::read(file).with_context(|| file.display().to_string())?;
    let gzip = match gzip {
        Some(len) => len,
        None => precompress::gzip(&bytes)?.len(),
    };
    let brotli = match brotli {
        Some(len) => len,
        None => precompress::brotli(&bytes)?.len(),
    };
    Ok((gzip, brotli))
}
