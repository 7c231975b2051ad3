//! Fetching `/mfe/manifest.json` on each navigation (it is served `no-cache`, so this is a
//! cheap revalidation that lets a new MFE version take effect without a shell rebuild), with
//! a developer's overrides applied where the gateway allows them (`overrides.js`). The last
//! one read is kept for prefetching ([`with_latest`]).

use std::cell::RefCell;
use std::rc::Rc;

use contracts::manifest::{Manifest, MANIFEST_PATH, OVERRIDES_HEADER};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

// Cargo does not see the snippet as an input: without this, a change to it alone keeps the
// old copy embedded in the wasm.
const _: &str = include_str!("overrides.js");

#[wasm_bindgen(module = "/src/overrides.js")]
extern "C" {
    #[wasm_bindgen(js_name = applyOverrides)]
    async fn apply_overrides(text: &str, allowed: bool) -> JsValue;
}

thread_local! {
    /// The manifest the last navigation read, overrides applied.
    static LATEST: RefCell<Option<Rc<Manifest>>> = const { RefCell::new(None) };
}

/// Runs `f` on the manifest the last navigation read, if one was: what prefetching decides
/// by between navigations (a deploy since then only makes a prefetch useless, the navigation
/// reads the manifest afresh).
pub fn with_latest(f: impl FnOnce(&Manifest)) {
    LATEST.with_borrow(|latest| {
        if let Some(manifest) = latest {
            f(manifest);
        }
    });
}

/// The current manifest, or a message saying why it could not be read.
pub async fn fetch_manifest() -> Result<Rc<Manifest>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoCache);
    let response = JsFuture::from(window.fetch_with_str_and_init(MANIFEST_PATH, &init))
        .await
        .map_err(|e| web_kit::json::js_error_text(&e))?
        .dyn_into::<web_sys::Response>()
        .map_err(|_| "not a response")?;
    if !response.ok() {
        return Err(format!("manifest: HTTP {}", response.status()));
    }
    let allowed = response.headers().has(OVERRIDES_HEADER).unwrap_or(false);
    let text = JsFuture::from(response.text().map_err(|e| web_kit::json::js_error_text(&e))?)
        .await
        .map_err(|e| web_kit::json::js_error_text(&e))?
        .as_string()
        .unwrap_or_default();
    let text = apply_overrides(&text, allowed)
        .await
        .as_string()
        .unwrap_or_default();
    let manifest: Rc<Manifest> = web_kit::decode::from_json_text::<Manifest>(&text)
        .map_err(|e| format!("manifest: {e}"))?
        .into();
    LATEST.set(Some(manifest.clone()));
    Ok(manifest)
}
