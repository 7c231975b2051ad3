//! JSON text through the browser's own `JSON.parse` / `JSON.stringify`: keeps serde_json's
//! parser (and its float formatting) out of every wasm module, which are shipped over the
//! network. And the text of a JS error, for logs and [`crate::fetch::FetchError`].

use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

/// Decodes JSON text with the browser's own parser.
pub fn from_json_text<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value = js_sys::JSON::parse(text).map_err(|e| js_error_text(&e))?;
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

/// Encodes `value` as JSON text with the browser's own serializer (see [`from_json_text`]).
pub fn to_json_text<T: serde::Serialize>(value: &T) -> Result<String, String> {
    let js = value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| e.to_string())?;
    js_sys::JSON::stringify(&js)
        .map(String::from)
        .map_err(|e| js_error_text(&e))
}

/// The message of a JS error value, for logs.
pub fn js_error_text(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}
