//! The shell's own API calls: only the category list for the header navigation.

use contracts::catalog::Category;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// `GET /api/catalog/categories`; on any failure the navigation is simply empty.
pub async fn categories() -> Result<Vec<Category>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let err = |e: wasm_bindgen::JsValue| contracts::browser::js_error_text(&e);
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str("/api/catalog/categories"))
        .await
        .map_err(err)?
        .dyn_into()
        .map_err(|_| "not a response")?;
    if !response.ok() {
        return Err(format!("categories: HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(err)?)
        .await
        .map_err(err)?
        .as_string()
        .unwrap_or_default();
    contracts::browser::from_json_text(&text)
}
