//! Builds the web: the shell with trunk, each MFE with wasm-bindgen + wasm-opt into
//! content-hashed folders, and `/mfe/manifest.json` listing them with SRI hashes.
//!
//! All wasm crates are compiled in ONE cargo invocation so features unify the same way every
//! time (TOOLCHAIN pitfall 5). wasm-bindgen and wasm-opt outputs are cached by the hash of
//! their input, so an MFE whose code did not change is not processed again, and the shell is
//! not re-run through trunk when neither its wasm nor its static files changed.

use anyhow::{bail, Context, Result};
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256, Sha384};
use std::path::{Path, PathBuf};

use crate::mfe_store::{Published, Store};
use crate::tools::Tools;
use crate::{cmd, paths};
use contracts::manifest::{Integrity, Manifest, MfeEntry};

const SHELL_PACKAGE: &str = "mercado-shell";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// A wasm crate that is deployed as a micro-frontend, from `[package.metadata.mercado]`.
#[derive(Debug, Clone)]
pub struct MfeCrate {
    package: String,
    lib_name: String,
    version: String,
    meta: MfeMeta,
}

#[derive(Debug, Clone, Deserialize)]
struct MfeMeta {
    name: String,
    #[serde(default)]
    routes: Vec<String>,
    slot: String,
    /// Test fixtures are built with the rest but only deployed into the e2e web dir.
    #[serde(default)]
    fixture: bool,
}

/// The outcome of a web build.
pub struct WebBuild {
    /// Manifest entries of the deployable MFEs (already written to dist/mfe/manifest.json).
    pub mfes: Vec<MfeEntry>,
    /// Entries of the test fixtures, with their files in [`WebBuild::fixture_dir`].
    pub fixtures: Vec<MfeEntry>,
    /// Folder whose `mfe/…` tree holds the fixtures' files.
    pub fixture_dir: PathBuf,
}

/// Builds the shell and every MFE into `dist/`, publishing each MFE whose build changed.
pub fn build(tools: &Tools) -> Result<WebBuild> {
    println!("==> building the web (shell + micro-frontends)");
    let crates = mfe_crates()?;
    compile_wasm(&crates, true)?;
    shell(tools)?;
    let staging = staging_dir();
    let store = Store::open(&paths::dist_dir())?;
    let mut mfes = Vec::new();
    let mut fixtures = Vec::new();
    for krate in &crates {
        let entry = package_mfe(tools, krate, &staging)?;
        if krate.meta.fixture {
            fixtures.push(entry);
        } else {
            report(&entry, store.publish(&staging, &entry)?);
            mfes.push(entry);
        }
    }
    println!("  ✓ dist/mfe/manifest.json lists {}", names(&mfes));
    Ok(WebBuild {
        mfes,
        fixtures,
        fixture_dir: staging,
    })
}

/// `cargo xtask mfe publish <name>`: builds that one MFE (not the shell, not the others) and
/// makes it the live build in `web_dir`'s store.
pub fn publish_one(tools: &Tools, name: &str, web_dir: &Path) -> Result<MfeEntry> {
    let krate = mfe_crates()?
        .into_iter()
        .find(|k| k.meta.name == name && !k.meta.fixture)
        .with_context(|| format!("no micro-frontend called `{name}` in this workspace"))?;
    compile_wasm(std::slice::from_ref(&krate), false)?;
    let staging = staging_dir();
    let entry = package_mfe(tools, &krate, &staging)?;
    report(&entry, Store::open(web_dir)?.publish(&staging, &entry)?);
    Ok(entry)
}

fn report(entry: &MfeEntry, outcome: Published) {
    let name = &entry.name;
    match outcome {
        Published::Unchanged => println!("  ✓ {name}: build {} is already live", entry.build),
        Published::Swapped {
            previous: Some(previous),
        } => {
            println!("  ✓ {name}: build {} is live (was {previous})", entry.build)
        }
        Published::Swapped { previous: None } => println!("  ✓ {name}: build {} is live (new)", entry.build),
    }
}

fn staging_dir() -> PathBuf {
    paths::target_dir().join("mfe-build")
}

/// Forgets the packaged (bindgen + wasm-opt) outputs of the MFEs called `names`, and with
/// `shell` the shell's build stamp, so the next build does that work again: for timing a
/// build from a change rather than from caches.
pub fn forget_outputs(names: &[&str], shell: bool) -> Result<()> {
    for name in names {
        let cache = staging_dir().join("cache").join(name);
        if cache.exists() {
            std::fs::remove_dir_all(cache)?;
        }
    }
    let stamp = paths::dist_dir().join(".shell-fingerprint");
    if shell && stamp.exists() {
        std::fs::remove_file(stamp)?;
    }
    Ok(())
}

/// Copies `dist/` into `dir` and adds the fixtures' files (the other-toolchain fixture
/// included), for tests that edit the manifest.
pub fn stage_test_web(build: &WebBuild, dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    copy_dir(&paths::dist_dir(), dir)?;
    let mut entries = build.fixtures.clone();
    entries.push(crate::legacy_fixture::package(&build.fixture_dir)?);
    for entry in &entries {
        copy_mfe(&build.fixture_dir, dir, entry)?;
    }
    let fixtures = Manifest { mfes: entries };
    std::fs::write(
        dir.join("mfe").join("fixtures.json"),
        serde_json::to_vec_pretty(&fixtures)?,
    )?;
    Ok(())
}

fn names(entries: &[MfeEntry]) -> String {
    entries
        .iter()
        .map(|e| format!("{}@{} ({})", e.name, e.version, e.build))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads the workspace's MFE crates from `cargo metadata`.
fn mfe_crates() -> Result<Vec<MfeCrate>> {
    let json = cmd::output(cmd::new("cargo").args(["metadata", "--no-deps", "--format-version", "1"]))?;
    let metadata: serde_json::Value = serde_json::from_str(&json)?;
    let mut crates = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let Some(meta) = package["metadata"].get("mercado") else {
            continue;
        };
        let meta: MfeMeta = serde_json::from_value(meta.clone()).context("[package.metadata.mercado]")?;
        let lib_name = package["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| {
                t["kind"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k == "cdylib"))
            })
            .and_then(|t| t["name"].as_str())
            .context("an MFE crate needs a cdylib target")?;
        crates.push(MfeCrate {
            package: package["name"].as_str().unwrap_or_default().to_string(),
            lib_name: lib_name.replace('-', "_"),
            version: package["version"].as_str().unwrap_or_default().to_string(),
            meta,
        });
    }
    crates.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
    Ok(crates)
}

/// Compiles the MFE crates, with the shell when `with_shell`. Features are aligned in the
/// workspace's dependencies, so one MFE alone reuses the dependencies a full build compiled.
fn compile_wasm(crates: &[MfeCrate], with_shell: bool) -> Result<()> {
    let mut command = cmd::new("cargo");
    command.args(["build", "--release", "--target", WASM_TARGET]);
    if with_shell {
        command.args(["-p", SHELL_PACKAGE]);
    }
    for krate in crates {
        command.args(["-p", &krate.package]);
    }
    cmd::run(&mut command)
}

/// Runs trunk for the shell unless its inputs are unchanged since the last build, and puts
/// the result in `dist/` beside (never over) `dist/mfe/`, the store of published MFEs.
///
/// trunk empties its output folder (TOOLCHAIN pitfall 3), so it writes to a folder of its own
/// and the shell's files are copied from there.
fn shell(tools: &Tools) -> Result<()> {
    let dist = paths::dist_dir();
    let fingerprint = shell_fingerprint(tools)?;
    let stamp = dist.join(".shell-fingerprint");
    if dist.join("index.html").exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == fingerprint) {
        println!("  ✓ shell unchanged, keeping dist/");
        return Ok(());
    }
    let built = paths::target_dir().join("shell-dist");
    cmd::run(
        cmd::new("trunk")
            .args(["build", "--release", "--dist"])
            .arg(&built),
    )?;
    shorten_shell_imports(tools, &built)?;
    std::fs::create_dir_all(&dist)?;
    for entry in std::fs::read_dir(&dist)? {
        let entry = entry?;
        if entry.file_name() == "mfe" {
            continue;
        }
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    copy_dir(&built, &dist)?;
    crate::precompress::dir(&dist)?;
    std::fs::write(stamp, fingerprint)?;
    Ok(())
}

/// Gives the shell's glue and wasm in trunk's output `dir` short import names and a minified
/// glue, as every MFE's ([`crate::short_imports`], [`minify_js`]; trunk's own minifier
/// gives up on wasm-bindgen's glue), and renames them after what they now hold: they are
/// served `immutable`, so changed files need a name never used before (trunk's name follows
/// its input to wasm-opt, not its output). `index.html` gets the new names and SRI hashes.
fn shorten_shell_imports(tools: &Tools, dir: &Path) -> Result<()> {
    let index_path = dir.join("index.html");
    let mut index = std::fs::read_to_string(&index_path)?;
    let old_stem = shell_stem(dir)?;
    let (js_name, wasm_name) = (format!("{old_stem}.js"), format!("{old_stem}_bg.wasm"));
    let old_js = std::fs::read(dir.join(&js_name))?;
    let old_wasm = std::fs::read(dir.join(&wasm_name))?;
    let (wasm, js) = crate::short_imports::shorten(&old_wasm, std::str::from_utf8(&old_js)?)
        .context("shell: shortening import names")?;
    let js = minify_js(tools, &js, dir)?;
    let content_hash = hex(&Sha256::digest([js.as_bytes(), &wasm].concat()));
    let new_stem = format!("mercado-shell-{}", &content_hash[..16]);
    for (old, new) in [
        (sri(&old_js), sri(js.as_bytes())),
        (sri(&old_wasm), sri(&wasm)),
        (old_stem.clone(), new_stem.clone()),
    ] {
        if !index.contains(&old) {
            bail!("index.html does not mention {old}");
        }
        index = index.replace(&old, &new);
    }
    std::fs::remove_file(dir.join(js_name))?;
    std::fs::remove_file(dir.join(wasm_name))?;
    std::fs::write(dir.join(format!("{new_stem}.js")), js)?;
    std::fs::write(dir.join(format!("{new_stem}_bg.wasm")), wasm)?;
    std::fs::write(index_path, index)?;
    Ok(())
}

/// `js` (a wasm-bindgen glue module) minified by esbuild, using `scratch` for its files.
///
/// wasm-bindgen writes readable glue: doc comments, indentation, long local names. Minified,
/// it is about a third smaller after gzip (catalog 6.1 → 4.0 KB); exports and the import
/// object's keys are property names, which esbuild keeps.
fn minify_js(tools: &Tools, js: &str, scratch: &Path) -> Result<String> {
    let input = scratch.join("glue.unminified.js");
    let output = scratch.join("glue.min.js");
    std::fs::write(&input, js)?;
    cmd::run(
        cmd::new(tools.esbuild.to_string_lossy().as_ref())
            .arg(&input)
            .args(["--minify", "--format=esm", "--log-level=warning"])
            // wasm-bindgen lists a snippet module once per import from it, each time with the
            // same namespace object: a harmless duplicate key, not worth a warning per build.
            .arg("--log-override:duplicate-object-key=silent")
            .arg(format!("--outfile={}", output.display())),
    )?;
    let minified = std::fs::read_to_string(&output)?;
    std::fs::remove_file(input)?;
    std::fs::remove_file(output)?;
    Ok(minified)
}

/// `mercado-shell-<trunk's hash>`, the name trunk gave the shell's glue and wasm in `dir`.
fn shell_stem(dir: &Path) -> Result<String> {
    std::fs::read_dir(dir)?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .find_map(|n| {
            n.strip_suffix("_bg.wasm")
                .filter(|stem| stem.starts_with("mercado-shell-"))
                .map(String::from)
        })
        .context("trunk wrote no mercado-shell-*_bg.wasm")
}

fn shell_fingerprint(tools: &Tools) -> Result<String> {
    let root = paths::root();
    let mut hasher = Sha256::new();
    let shell_wasm = wasm_output("mercado-shell");
    hasher.update(std::fs::read(&shell_wasm).with_context(|| shell_wasm.display().to_string())?);
    for file in ["Trunk.toml", "shell/index.html", "shell/style.css"] {
        hasher.update(std::fs::read(root.join(file)).unwrap_or_default());
    }
    for js in glob_js(&root.join("shell").join("src"))? {
        hasher.update(std::fs::read(js)?);
    }
    hasher.update(tools.wasm_bindgen.to_string_lossy().as_bytes());
    hasher.update(crate::short_imports::SCHEME);
    hasher.update(crate::tools::ESBUILD_VERSION);
    Ok(hex(&hasher.finalize()))
}

fn glob_js(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            found.extend(glob_js(&path)?);
        } else if path.extension().is_some_and(|e| e == "js") {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

fn wasm_output(lib_name: &str) -> PathBuf {
    paths::target_dir()
        .join(WASM_TARGET)
        .join("release")
        .join(format!("{lib_name}.wasm"))
}

/// wasm-bindgen + wasm-opt (+ short import names) one MFE (cached by input hash) into `staging/mfe/<name>/<dir>/`.
fn package_mfe(tools: &Tools, krate: &MfeCrate, staging: &Path) -> Result<MfeEntry> {
    let name = &krate.meta.name;
    let input = wasm_output(&krate.lib_name);
    // The output depends on the tools' arguments as much as on the input.
    let mut hasher = Sha256::new();
    hasher.update(std::fs::read(&input).with_context(|| input.display().to_string())?);
    hasher.update(WASM_OPT_ARGS.join(" "));
    hasher.update(crate::short_imports::SCHEME);
    hasher.update(crate::tools::ESBUILD_VERSION);
    hasher.update(tools.wasm_bindgen.to_string_lossy().as_bytes());
    let input_hash = hex(&hasher.finalize());
    let cache = staging.join("cache").join(name).join(&input_hash[..16]);
    let js = cache.join(format!("{name}.js"));
    let wasm = cache.join(format!("{name}_bg.wasm"));
    if js.exists() && wasm.exists() {
        println!("  ✓ {name}: wasm unchanged, reusing optimised output");
    } else {
        bindgen_and_optimise(tools, &input, &cache, name)?;
    }
    let meta = BuildMeta {
        name,
        version: &krate.version,
        // Every MFE in this workspace is compiled against the contracts crate xtask links.
        contract: contracts::mount::CONTRACT_VERSION,
        routes: &krate.meta.routes,
        slot: &krate.meta.slot,
    };
    stage_build(staging, &meta, &std::fs::read(&js)?, &std::fs::read(&wasm)?)
}

/// What a manifest entry says of a build besides its files.
pub struct BuildMeta<'a> {
    /// The MFE's name (also its files' names).
    pub name: &'a str,
    /// Its version string.
    pub version: &'a str,
    /// The mount-ABI contract version it was built against.
    pub contract: &'a str,
    /// The routes it serves.
    pub routes: &'a [String],
    /// The slot it renders into.
    pub slot: &'a str,
}

/// Writes a build's glue and wasm under `staging/mfe/<name>/<version>-<build>/`, the build
/// being the first 12 hex digits of their SHA-256, and returns its manifest entry.
pub fn stage_build(staging: &Path, meta: &BuildMeta, js: &[u8], wasm: &[u8]) -> Result<MfeEntry> {
    let name = meta.name;
    let content_hash = hex(&Sha256::digest([js, wasm].concat()));
    let build = content_hash[..12].to_string();
    let dir_name = format!("{}-{build}", meta.version);
    let out = staging.join("mfe").join(name).join(&dir_name);
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join(format!("{name}.js")), js)?;
    std::fs::write(out.join(format!("{name}_bg.wasm")), wasm)?;
    // The folder is named by the files' content, so copies already in it are of these files:
    // brotli at quality 11 costs about a second per module, every build.
    if !out.join(format!("{name}_bg.wasm.br")).exists() || !out.join(format!("{name}.js.br")).exists() {
        crate::precompress::dir(&out)?;
    }
    Ok(MfeEntry {
        name: name.to_string(),
        version: meta.version.to_string(),
        build,
        contract: meta.contract.to_string(),
        js: format!("/mfe/{name}/{dir_name}/{name}.js"),
        wasm: format!("/mfe/{name}/{dir_name}/{name}_bg.wasm"),
        integrity: Integrity {
            js: sri(js),
            wasm: sri(wasm),
        },
        routes: meta.routes.to_vec(),
        slot: meta.slot.to_string(),
    })
}

/// How every MFE's wasm is optimised. Merging functions that differ only in constants
/// before `-Oz` saves 1.5–1.8 KB (gzip) per MFE, measured; after `-Oz`, or on the shell,
/// nothing. A second `-Oz` finds what the first one's inlining exposed (reviews −0.45 KB,
/// catalog −0.02, for ≈ 4 s more per MFE). `--low-memory-unused` lets constant address
/// offsets fold into loads and stores (catalog −1.0, reviews −0.5): true of Rust's wasm32
/// layout, whose first megabyte is the stack growing down towards 0, so the lowest KB is
/// only reached by an overflow. The features are those the wasm32 target emits. The
/// `producers` and `target_features` sections are notes for tools, which browsers ignore:
/// stripped, 0.17 KB less per module.
const WASM_OPT_ARGS: [&str; 12] = [
    "--low-memory-unused",
    "--merge-similar-functions",
    "-Oz",
    "-Oz",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-mutable-globals",
    "--strip-producers",
    "--strip-target-features",
];

fn bindgen_and_optimise(tools: &Tools, input: &Path, out: &Path, name: &str) -> Result<()> {
    println!("  {name}: wasm-bindgen + wasm-opt");
    let raw = out.with_extension("bindgen");
    if raw.exists() {
        std::fs::remove_dir_all(&raw)?;
    }
    cmd::run(
        cmd::new(tools.wasm_bindgen.to_string_lossy().as_ref())
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--out-name",
                name,
                "--out-dir",
            ])
            .arg(&raw)
            .arg(input),
    )?;
    let bindgen_js = raw.join(format!("{name}.js"));
    if std::fs::read_dir(&raw)?
        .flatten()
        .any(|e| e.file_name() == "snippets")
    {
        bail!("{name}: MFEs must not use JS snippets (the shell imports their glue from a Blob URL)");
    }
    std::fs::create_dir_all(out)?;
    cmd::run(
        cmd::new(tools.wasm_opt.to_string_lossy().as_ref())
            .args(WASM_OPT_ARGS)
            .arg(raw.join(format!("{name}_bg.wasm")))
            .arg("-o")
            .arg(out.join(format!("{name}_bg.wasm"))),
    )?;
    let wasm_path = out.join(format!("{name}_bg.wasm"));
    let (wasm, js) = crate::short_imports::shorten(
        &std::fs::read(&wasm_path)?,
        &std::fs::read_to_string(&bindgen_js)?,
    )
    .with_context(|| format!("{name}: shortening import names"))?;
    std::fs::write(wasm_path, wasm)?;
    std::fs::write(out.join(format!("{name}.js")), minify_js(tools, &js, &raw)?)?;
    std::fs::remove_dir_all(&raw)?;
    Ok(())
}

fn copy_mfe(staging: &Path, web_root: &Path, entry: &MfeEntry) -> Result<()> {
    let relative = Path::new(entry.js.trim_start_matches('/'))
        .parent()
        .context("mfe path")?;
    copy_dir(&staging.join(relative), &web_root.join(relative))
}

/// Recursively copies a directory.
pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Subresource-integrity value (`sha384-<base64>`) of `bytes`.
pub fn sri(bytes: &[u8]) -> String {
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes))
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
