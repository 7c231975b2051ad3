//! Rust side of the MFE loader: import (cached per build), prefetch, mount and unmount.
//!
//! A module that failed to load or whose mount threw is evicted from the cache, so the next
//! attempt gets a fresh instance; a panicked wasm instance is never reused.

use contracts::events::UserSummary;
use contracts::manifest::MfeEntry;
use wasm_bindgen::prelude::*;
use web_kit::encode::Encode;

// Cargo does not see the snippet as an input: without this, a change to it alone keeps the
// old copy embedded in the wasm.
const _: &str = include_str!("loader.js");

#[wasm_bindgen(module = "/src/loader.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = loadMfe)]
    async fn load_mfe(
        build: &str,
        js: &str,
        js_integrity: &str,
        wasm: &str,
        wasm_integrity: &str,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = prefetchMfe)]
    fn prefetch_mfe(
        build: &str,
        js: &str,
        js_integrity: &str,
        wasm: &str,
        wasm_integrity: &str,
        low_priority: bool,
    );
    #[wasm_bindgen(catch, js_name = mountMfe)]
    fn mount_mfe(
        module: &JsValue,
        element: &web_sys::HtmlElement,
        context: &JsValue,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = unmountMfe)]
    fn unmount_mfe(handle: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(js_name = makeContext)]
    fn make_context(
        base_path: &str,
        api_base: &str,
        slot: &str,
        user: JsValue,
        auth_fetch: JsValue,
    ) -> JsValue;
}

/// Where every MFE's API calls go (the gateway's API prefix).
const API_BASE: &str = "/api";

thread_local! {
    /// Initialised modules by `name@build`. A JS `Map`: a Rust hash map would add its
    /// hashing and table code to the shell's download for a handful of entries.
    static MODULES: js_sys::Map = js_sys::Map::new();
}

fn key(entry: &MfeEntry) -> JsValue {
    JsValue::from_str(&format!("{}@{}", entry.name, entry.build))
}

/// The entry's module, imported and initialised once per build.
pub async fn module_for(entry: &MfeEntry) -> Result<JsValue, String> {
    let cached = MODULES.with(|m| m.get(&key(entry)));
    if !cached.is_undefined() {
        return Ok(cached);
    }
    let module = load_mfe(
        &entry.build,
        &entry.js,
        &entry.integrity.js,
        &entry.wasm,
        &entry.integrity.wasm,
    )
    .await
    .map_err(|e| web_kit::json::js_error_text(&e))?;
    MODULES.with(|m| m.set(&key(entry), &module));
    Ok(module)
}

/// Whether the entry's module is loaded (a prefetch would be for nothing).
pub fn is_loaded(entry: &MfeEntry) -> bool {
    MODULES.with(|m| m.has(&key(entry)))
}

/// Starts fetching and compiling the entry's files so that its next load only instantiates
/// (`loader.js` keeps them by build; an entry without integrity, a development override, is
/// not prefetched). Failures are forgotten: the real load reports them.
pub fn prefetch(entry: &MfeEntry, low_priority: bool) {
    prefetch_mfe(
        &entry.build,
        &entry.js,
        &entry.integrity.js,
        &entry.wasm,
        &entry.integrity.wasm,
        low_priority,
    );
}

/// Forgets a module so the next load creates a fresh instance.
pub fn evict(entry: &MfeEntry) {
    MODULES.with(|m| m.delete(&key(entry)));
}

/// Calls the module's `mount(host, context)`; the returned handle unmounts it.
pub fn mount(
    module: &JsValue,
    host: &web_sys::HtmlElement,
    slot: &str,
    user: &Option<UserSummary>,
) -> Result<JsValue, String> {
    // `null` (not `undefined`) for "signed out", as the mount ABI documents.
    let user = user.encode();
    let context = make_context("", API_BASE, slot, user, crate::auth::auth_fetch(API_BASE));
    mount_mfe(module, host, &context).map_err(|e| web_kit::json::js_error_text(&e))
}

/// Calls `handle.unmount()`, logging (not propagating) a failure: the host is removed anyway.
pub fn unmount(handle: &JsValue) {
    if let Err(err) = unmount_mfe(handle) {
        web_sys::console::error_2(&"MFE unmount failed:".into(), &err);
    }
}
