//! `/mfe/manifest.json`: which micro-frontends exist, where their files are and which routes
//! and slots they serve.
//!
//! The build writes it from each MFE's output; the shell fetches it (served `no-cache`) on
//! every navigation, so deploying a new MFE version means new files plus a new manifest,
//! never a shell rebuild. Asset paths are content-hashed and served `immutable`.

use serde::{Deserialize, Serialize};

/// Path the gateway serves the manifest at.
pub const MANIFEST_PATH: &str = "/mfe/manifest.json";

/// Answer header (value `allowed`) with which a gateway lets the shell honour development
/// overrides: `?mfe-override=<name>=<base URL>` runs that MFE from a local `trunk serve`.
/// Without it the shell ignores any override, so a link cannot make a production storefront
/// run code from elsewhere.
pub const OVERRIDES_HEADER: &str = "x-mfe-overrides";

/// The slot that holds a page's primary content.
pub const SLOT_MAIN: &str = "main";
/// The slot below the main one, e.g. reviews under a product.
pub const SLOT_SECONDARY: &str = "secondary";

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Every deployed MFE.
    pub mfes: Vec<MfeEntry>,
}

/// One deployed micro-frontend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MfeEntry {
    /// Stable name, e.g. `catalog`.
    pub name: String,
    /// Version of the crate this build was made from, for people: two builds may share it.
    pub version: String,
    /// What identifies this build: a hash of its files' content. The shell remounts when it
    /// changes, whatever the version says; tools show it to tell builds apart.
    #[serde(default)]
    pub build: String,
    /// The [`crate::mount::CONTRACT_VERSION`] this build was compiled against, written by the
    /// build. An entry without one (empty) is refused like any incompatible version.
    #[serde(default)]
    pub contract: String,
    /// URL of the wasm-bindgen `--target web` JS glue.
    pub js: String,
    /// URL of the wasm module.
    pub wasm: String,
    /// Subresource-integrity hashes of the two files (`sha384-…`).
    pub integrity: Integrity,
    /// Route patterns served: `/`, `/products/:id`, `/category/:slug`, `/account/*`.
    pub routes: Vec<String>,
    /// Slot the MFE renders into on those routes.
    pub slot: String,
}

/// SRI hashes of an MFE's files, checked by the browser before they run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integrity {
    /// Hash of the JS glue.
    pub js: String,
    /// Hash of the wasm module.
    pub wasm: String,
}

impl Manifest {
    /// The MFE serving `path` in `slot`, if any. The first matching entry wins.
    pub fn mfe_for(&self, slot: &str, path: &str) -> Option<&MfeEntry> {
        self.mfes
            .iter()
            .find(|mfe| mfe.slot == slot && mfe.routes.iter().any(|r| route_matches(r, path)))
    }

    /// Every slot some MFE serves for `path`, with that MFE, in manifest order.
    pub fn mounts_for<'a>(&'a self, path: &str) -> Vec<&'a MfeEntry> {
        let mut seen: Vec<&str> = Vec::new();
        let mut found = Vec::new();
        for mfe in &self.mfes {
            if !seen.contains(&mfe.slot.as_str()) && mfe.routes.iter().any(|r| route_matches(r, path)) {
                seen.push(&mfe.slot);
                found.push(mfe);
            }
        }
        found
    }
}

/// Whether a route pattern matches a path (the query string is ignored).
///
/// `:name` matches exactly one non-empty segment; a final `*` matches any rest, even none.
pub fn route_matches(pattern: &str, path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut pattern_segments = segments(pattern);
    let mut path_segments = segments(path);
    loop {
        match (pattern_segments.next(), path_segments.next()) {
            (Some("*"), _) => return true,
            (None, None) => return true,
            (Some(p), Some(s)) if p.starts_with(':') || p == s => continue,
            _ => return false,
        }
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, slot: &str, routes: &[&str]) -> MfeEntry {
        MfeEntry {
            name: name.into(),
            version: "1".into(),
            build: format!("{name}-build"),
            contract: crate::mount::CONTRACT_VERSION.into(),
            js: format!("/mfe/{name}/x.js"),
            wasm: format!("/mfe/{name}/x.wasm"),
            integrity: Integrity {
                js: "sha384-a".into(),
                wasm: "sha384-b".into(),
            },
            routes: routes.iter().map(|r| r.to_string()).collect(),
            slot: slot.into(),
        }
    }

    #[test]
    fn patterns_match_segments() {
        assert!(route_matches("/", "/"));
        assert!(route_matches("/", "/?page=2"));
        assert!(!route_matches("/", "/products/1"));
        assert!(route_matches("/products/:id", "/products/12"));
        assert!(!route_matches("/products/:id", "/products"));
        assert!(!route_matches("/products/:id", "/products/12/extra"));
        assert!(route_matches("/search", "/search?q=mug"));
        assert!(route_matches("/account/*", "/account"));
        assert!(route_matches("/account/*", "/account/orders/3"));
        assert!(!route_matches("/account/*", "/accounts"));
    }

    #[test]
    fn finds_one_mfe_per_slot() {
        let manifest = Manifest {
            mfes: vec![
                entry("catalog", SLOT_MAIN, &["/", "/products/:id"]),
                entry("reviews", SLOT_SECONDARY, &["/products/:id"]),
            ],
        };
        let names = |path| {
            manifest
                .mounts_for(path)
                .iter()
                .map(|m| m.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names("/products/3"), ["catalog", "reviews"]);
        assert_eq!(names("/"), ["catalog"]);
        assert!(names("/nowhere").is_empty());
        assert_eq!(
            manifest.mfe_for(SLOT_SECONDARY, "/products/3").unwrap().name,
            "reviews"
        );
    }
}
