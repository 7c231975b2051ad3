//! The MFE store: the folder the gateway serves `/mfe/*` from, and how one micro-frontend is
//! published into it, rolled back and listed without touching the others.
//!
//! Layout of `<web dir>/mfe/`:
//!
//! ```text
//! manifest.json                    what the storefront runs now (served no-cache)
//! <name>/<version>-<build>/…       every kept build's files (content-addressed, immutable)
//! releases.json                    per MFE, the builds published, oldest first; the last is live
//! .publish.lock                    held while one publish or rollback rewrites the two files
//! ```
//!
//! The manifest is replaced by writing a temporary file beside it and renaming it over the old
//! one, so the gateway (which reads it on every request) serves either the old or the new
//! manifest, never half of one. Files are copied before the manifest names them, and a build's
//! files stay until it falls out of the last [`KEPT_BUILDS`], so a page still running an older
//! build keeps loading it and a rollback has something to return to.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use contracts::manifest::{Manifest, MfeEntry};

/// How many builds of each MFE are kept (the live one included) for rollback.
pub const KEPT_BUILDS: usize = 5;

/// One published build of an MFE.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    /// The manifest entry this build had when it was published.
    pub entry: MfeEntry,
    /// When it was published (or rolled back to), seconds since the Unix epoch.
    pub published_at: u64,
}

/// Every MFE's releases, oldest first: the last of each list is the live build.
type Releases = BTreeMap<String, Vec<Release>>;

/// What a publish did.
#[derive(Debug, PartialEq, Eq)]
pub enum Published {
    /// The build is live now; it replaced the named build, if there was one.
    Swapped { previous: Option<String> },
    /// The same entry (same content, routes and slot) was already live: nothing changed.
    Unchanged,
}

/// An opened store: `<web dir>/mfe`.
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// The store inside `web_dir` (the gateway's `WEB_DIR`), created if missing.
    pub fn open(web_dir: &Path) -> Result<Store> {
        let dir = web_dir.join("mfe");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Store { dir })
    }

    /// Makes `entry` (whose files are under `staging/mfe/…`) the live build of its MFE.
    pub fn publish(&self, staging: &Path, entry: &MfeEntry) -> Result<Published> {
        let _lock = self.lock()?;
        let mut manifest = self.manifest()?;
        let mut releases = self.releases(&manifest)?;
        let live = manifest.mfes.iter().find(|e| e.name == entry.name);
        // The whole entry, not only the build: new routes for the same code are a new release.
        if live == Some(entry) {
            return Ok(Published::Unchanged);
        }
        let previous = live.map(|live| live.build.clone());
        self.copy_files(staging, entry)?;
        let history = releases.entry(entry.name.clone()).or_default();
        history.retain(|r| r.entry != *entry);
        history.push(Release {
            entry: entry.clone(),
            published_at: now(),
        });
        let dropped = prune(history);
        set_live(&mut manifest, entry.clone());
        self.write_json("releases.json", &releases)?;
        self.write_json("manifest.json", &manifest)?;
        self.remove_builds(&dropped, &releases)?;
        Ok(Published::Swapped { previous })
    }

    /// Returns `name` to the build published before its live one; the live one is dropped
    /// from the history (its files stay until pruned), so a second rollback goes further back.
    pub fn rollback(&self, name: &str) -> Result<MfeEntry> {
        let _lock = self.lock()?;
        let mut manifest = self.manifest()?;
        let mut releases = self.releases(&manifest)?;
        let history = releases
            .get_mut(name)
            .with_context(|| format!("no MFE called `{name}` has been published here"))?;
        if history.len() < 2 {
            bail!("`{name}` has no earlier build to roll back to");
        }
        history.pop();
        let back = history.last_mut().context("history emptied")?;
        back.published_at = now();
        let entry = back.entry.clone();
        set_live(&mut manifest, entry.clone());
        self.write_json("releases.json", &releases)?;
        self.write_json("manifest.json", &manifest)?;
        Ok(entry)
    }

    /// Every MFE with its live build first, then the earlier ones kept, newest first.
    pub fn list(&self) -> Result<Vec<(String, Vec<Release>)>> {
        let manifest = self.manifest()?;
        let releases = self.releases(&manifest)?;
        Ok(releases
            .into_iter()
            .map(|(name, mut history)| {
                history.reverse();
                (name, history)
            })
            .collect())
    }

    fn manifest(&self) -> Result<Manifest> {
        let path = self.dir.join("manifest.json");
        match std::fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).with_context(|| format!("reading {}", path.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// The history, or for a store made before histories were kept, the live builds alone.
    fn releases(&self, manifest: &Manifest) -> Result<Releases> {
        let path = self.dir.join("releases.json");
        match std::fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).with_context(|| format!("reading {}", path.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(manifest
                .mfes
                .iter()
                .map(|entry| {
                    let release = Release {
                        entry: entry.clone(),
                        published_at: 0,
                    };
                    (entry.name.clone(), vec![release])
                })
                .collect()),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// Only one publish or rollback at a time rewrites the manifest (read, change, write).
    fn lock(&self) -> Result<File> {
        let path = self.dir.join(".publish.lock");
        let file = File::create(&path).with_context(|| format!("opening {}", path.display()))?;
        file.lock()
            .with_context(|| format!("locking {}", path.display()))?;
        Ok(file)
    }

    fn copy_files(&self, staging: &Path, entry: &MfeEntry) -> Result<()> {
        let build_dir = build_dir(entry)?;
        let from = staging.join("mfe").join(&build_dir);
        let to = self.dir.join(&build_dir);
        crate::web::copy_dir(&from, &to)
    }

    /// Writes `file` whole or not at all: a temporary file renamed over the old one.
    fn write_json(&self, file: &str, value: &impl Serialize) -> Result<()> {
        let target = self.dir.join(file);
        let temporary = self.dir.join(format!(".{file}.{}.tmp", std::process::id()));
        std::fs::write(&temporary, serde_json::to_vec_pretty(value)?)
            .with_context(|| format!("writing {}", temporary.display()))?;
        std::fs::rename(&temporary, &target).with_context(|| format!("replacing {}", target.display()))
    }

    /// Deletes the files of builds no longer in any history.
    fn remove_builds(&self, dropped: &[Release], releases: &Releases) -> Result<()> {
        for release in dropped {
            let dir = build_dir(&release.entry)?;
            let still_kept = releases
                .values()
                .flatten()
                .any(|r| build_dir(&r.entry).is_ok_and(|d| d == dir));
            if !still_kept && self.dir.join(&dir).exists() {
                std::fs::remove_dir_all(self.dir.join(&dir))?;
            }
        }
        Ok(())
    }
}

/// `<name>/<version>-<build>`: the folder of an entry's files, relative to the store.
fn build_dir(entry: &MfeEntry) -> Result<PathBuf> {
    let relative = entry
        .js
        .strip_prefix("/mfe/")
        .with_context(|| format!("{}: files must be under /mfe/", entry.js))?;
    Ok(Path::new(relative)
        .parent()
        .context("entry's file has no folder")?
        .to_path_buf())
}

/// Keeps the newest [`KEPT_BUILDS`]; returns the ones dropped.
fn prune(history: &mut Vec<Release>) -> Vec<Release> {
    let excess = history.len().saturating_sub(KEPT_BUILDS);
    history.drain(..excess).collect()
}

/// Replaces (or adds) `entry`'s MFE in the manifest, which stays sorted by name.
fn set_live(manifest: &mut Manifest, entry: MfeEntry) {
    manifest.mfes.retain(|e| e.name != entry.name);
    manifest.mfes.push(entry);
    manifest.mfes.sort_by(|a, b| a.name.cmp(&b.name));
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use contracts::manifest::Integrity;

    fn entry(name: &str, build: &str) -> MfeEntry {
        MfeEntry {
            name: name.into(),
            version: "0.1.0".into(),
            build: build.into(),
            contract: contracts::mount::CONTRACT_VERSION.into(),
            js: format!("/mfe/{name}/0.1.0-{build}/{name}.js"),
            wasm: format!("/mfe/{name}/0.1.0-{build}/{name}_bg.wasm"),
            integrity: Integrity {
                js: "sha384-a".into(),
                wasm: "sha384-b".into(),
            },
            routes: vec!["/".into()],
            slot: "main".into(),
        }
    }

    /// A staging folder holding `entry`'s two files.
    fn stage(staging: &Path, entry: &MfeEntry) {
        for url in [&entry.js, &entry.wasm] {
            let path = staging.join(url.trim_start_matches('/'));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &entry.build).unwrap();
        }
    }

    fn live(web: &Path) -> Manifest {
        serde_json::from_slice(&std::fs::read(web.join("mfe/manifest.json")).unwrap()).unwrap()
    }

    fn builds(manifest: &Manifest) -> Vec<(String, String)> {
        manifest
            .mfes
            .iter()
            .map(|e| (e.name.clone(), e.build.clone()))
            .collect()
    }

    #[test]
    fn publishing_one_mfe_leaves_the_others_and_rollback_returns() {
        let web = tempfile::tempdir().unwrap();
        let staging = tempfile::tempdir().unwrap();
        let store = Store::open(web.path()).unwrap();
        for e in [
            entry("catalog", "c1"),
            entry("cart", "k1"),
            entry("catalog", "c2"),
        ] {
            stage(staging.path(), &e);
            store.publish(staging.path(), &e).unwrap();
        }
        assert_eq!(
            builds(&live(web.path())),
            [("cart".into(), "k1".into()), ("catalog".into(), "c2".into())]
        );
        assert!(
            web.path().join("mfe/catalog/0.1.0-c1/catalog.js").exists(),
            "kept for rollback"
        );
        assert_eq!(
            store.publish(staging.path(), &entry("catalog", "c2")).unwrap(),
            Published::Unchanged
        );

        assert_eq!(store.rollback("catalog").unwrap().build, "c1");
        assert_eq!(
            builds(&live(web.path())),
            [("cart".into(), "k1".into()), ("catalog".into(), "c1".into())]
        );
        assert!(store.rollback("catalog").is_err(), "nothing before c1");
        assert!(store.rollback("cart").is_err(), "cart has one build");
        assert!(store.rollback("nobody").is_err());
    }

    #[test]
    fn the_same_code_with_new_routes_is_a_new_release() {
        let web = tempfile::tempdir().unwrap();
        let staging = tempfile::tempdir().unwrap();
        let store = Store::open(web.path()).unwrap();
        let first = entry("catalog", "c1");
        stage(staging.path(), &first);
        store.publish(staging.path(), &first).unwrap();
        let rerouted = MfeEntry {
            routes: vec!["/".into(), "/offers".into()],
            ..first.clone()
        };
        let outcome = store.publish(staging.path(), &rerouted).unwrap();
        assert_eq!(
            outcome,
            Published::Swapped {
                previous: Some("c1".into())
            }
        );
        assert_eq!(live(web.path()).mfes[0].routes, rerouted.routes);
        assert_eq!(store.rollback("catalog").unwrap().routes, first.routes);
    }

    #[test]
    fn old_builds_beyond_the_kept_ones_are_removed() {
        let web = tempfile::tempdir().unwrap();
        let staging = tempfile::tempdir().unwrap();
        let store = Store::open(web.path()).unwrap();
        for n in 0..=KEPT_BUILDS {
            let e = entry("catalog", &format!("b{n}"));
            stage(staging.path(), &e);
            store.publish(staging.path(), &e).unwrap();
        }
        assert!(!web.path().join("mfe/catalog/0.1.0-b0").exists());
        assert!(web.path().join("mfe/catalog/0.1.0-b1").exists());
        let listed = store.list().unwrap();
        assert_eq!(listed[0].1.len(), KEPT_BUILDS);
        assert_eq!(
            listed[0].1[0].entry.build,
            format!("b{KEPT_BUILDS}"),
            "live first"
        );
    }
}
