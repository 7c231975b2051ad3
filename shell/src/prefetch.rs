//! Prefetch: the MFEs of a page the shopper is about to open are fetched and compiled (never
//! instantiated) ahead of the click, so the navigation only instantiates and mounts them.
//!
//! `prefetch.js` watches for the moment (a link pointed at or focused, idle time after the
//! first page) and `loader.js` does the fetching and compiling; this module only decides which
//! entries a path needs, by the same rule navigation uses ([`slots::wanted`]) on the manifest
//! the last navigation read. Both halves are JS to keep the shell's wasm small.

use contracts::mount::{is_compatible, CONTRACT_VERSION};
use wasm_bindgen::prelude::*;

use crate::pages::is_shell_page;
use crate::{loader, manifest, slots};

// Cargo does not see the snippet as an input: without this, a change to it alone keeps the
// old copy embedded in the wasm.
const _: &str = include_str!("prefetch.js");

#[wasm_bindgen(module = "/src/prefetch.js")]
extern "C" {
    #[wasm_bindgen(js_name = startPrefetch)]
    fn start_prefetch();
    #[wasm_bindgen(js_name = prefetchWhenIdle)]
    fn prefetch_when_idle();
}

/// Installs the link triggers (`?prefetch=off` leaves them out).
pub fn start() {
    start_prefetch();
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = gloo_events::EventListener::new(&window, PREFETCH_EVENT, |event| {
        let detail = event
            .dyn_ref::<web_sys::CustomEvent>()
            .map(|e| e.detail())
            .unwrap_or_default();
        let field = |name: &str| js_sys::Reflect::get(&detail, &name.into()).unwrap_or_default();
        if let Some(path) = field("path").as_string() {
            prefetch_path(path, field("lowPriority").is_truthy());
        }
    });
    // The page lives as long as the shell: keep the listener with it.
    std::mem::forget(listener);
}

/// The event `prefetch.js` asks with (`PREFETCH_EVENT` there: keep equal).
const PREFETCH_EVENT: &str = "mercado-prefetch";

/// Called once a navigation's slots are settled: the first time, the header's links are
/// prefetched when the browser is next idle.
pub fn when_idle() {
    prefetch_when_idle();
}

/// Prefetches every MFE `path` would mount that is neither loaded nor refused (an
/// incompatible contract is refused before a byte of it is downloaded).
fn prefetch_path(path: String, low_priority: bool) {
    let shell_page = is_shell_page(&path);
    manifest::with_latest(|manifest| {
        for slot in slots::SLOTS {
            let Some(entry) = slots::wanted(manifest, slot, &path, shell_page) else {
                continue;
            };
            if is_compatible(CONTRACT_VERSION, &entry.contract) && !loader::is_loaded(entry) {
                loader::prefetch(entry, low_priority);
            }
        }
    });
}
