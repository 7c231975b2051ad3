//! Fetching `/mfe/manifest.json` on each navigation (it is served `no-cache`, so this is a
//! cheap revalidation that lets a new MFE version take effect without a shell rebuild).

use contracts::manifest::{Manifest, MANIFEST_PATH};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The current manifest, or a message saying why it could not be read.
pub async fn fetch_manifest() -> Result<Manifest, String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoCache);
    let response = JsFuture::from(window.fetch_with_str_and_init(MANIFEST_PATH, &init))
        .await
        .map_err(|e| contracts::browser::js_error_text(&e))?
        .dyn_into::<web_sys::Response>()
        .map_err(|_| "not a response")?;
    if !response.ok() {
        return Err(format!("manifest: HTTP {}", response.status()));
    }
    let text = JsFuture::from(
        response
            .text()
            .map_err(|e| contracts::browser::js_error_text(&e))?,
    )
    .await
    .map_err(|e| contracts::browser::js_error_text(&e))?
    .as_string()
    .unwrap_or_default();
    contracts::browser::from_json_text(&text).map_err(|e| format!("manifest: {e}"))
}
