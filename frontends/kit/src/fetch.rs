//! Calls to the services through the shell's `authFetch`: the [`ShellContext`] an MFE is
//! mounted with, JSON bodies of the contract's types, an abort signal per call, and one
//! [`FetchError`] for every way a call can fail.

use contracts::mount::{MountContext, AUTH_FETCH_PROPERTY};
use contracts::problem::Problem;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use crate::decode::Decode;
use crate::json::{js_error_text, to_json_text};

/// Why an API call made through the shell's `authFetch` failed.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    /// No response: offline, gateway down, request aborted.
    Network(String),
    /// The service answered with an error status and a problem body.
    Problem(Problem),
    /// The response body was not what the contract says.
    Decode(String),
}

impl FetchError {
    /// A message fit to show a shopper.
    pub fn user_message(&self) -> String {
        match self {
            FetchError::Network(_) => {
                "We could not reach the store. Check your connection and try again.".into()
            }
            FetchError::Problem(p) => p.detail.clone().unwrap_or_else(|| p.title.clone()),
            FetchError::Decode(_) => "The store sent an answer we did not understand.".into(),
        }
    }

    /// The MFE unmounted: the request was never sent, or was aborted on the way. Nothing
    /// should be shown or retried.
    ///
    /// Browsers' abort messages are ASCII; `to_lowercase` would bring Unicode's case tables
    /// (≈ 8 KB gzip) into every MFE, and even a lowercased copy searched with `contains`
    /// brings the two-way string searcher: the word is looked for byte window by byte window.
    pub fn is_unmounted(&self) -> bool {
        matches!(self, FetchError::Network(reason) if reason == "unmounted" || mentions_abort(reason))
    }

    /// HTTP status, when the service answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Problem(p) => Some(p.status),
            _ => None,
        }
    }
}

/// `reason` contains "abort" in any ASCII case (as `to_ascii_lowercase().contains("abort")`).
fn mentions_abort(reason: &str) -> bool {
    reason
        .as_bytes()
        .windows(5)
        .any(|window| window.eq_ignore_ascii_case(b"abort"))
}

/// The technical reason, for the console (shoppers get [`FetchError::user_message`]).
impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Network(reason) => write!(f, "network: {reason}"),
            FetchError::Problem(p) => write!(f, "HTTP {}: {}", p.status, p.title),
            FetchError::Decode(reason) => write!(f, "unexpected answer: {reason}"),
        }
    }
}

/// What the shell passed to `mount`: the context data and its `authFetch` function.
#[derive(Clone)]
pub struct ShellContext {
    /// Base path, API base, user and slot.
    pub data: MountContext,
    auth_fetch: js_sys::Function,
}

impl ShellContext {
    /// Decodes the JS context object given to `mount`.
    pub fn from_js(context: &JsValue) -> Result<Self, JsValue> {
        let data = MountContext::decode(context.clone())
            .map_err(|e| JsValue::from_str(&format!("invalid mount context: {e}")))?;
        let auth_fetch = js_sys::Reflect::get(context, &JsValue::from_str(AUTH_FETCH_PROPERTY))?
            .dyn_into::<js_sys::Function>()
            .map_err(|_| JsValue::from_str("mount context has no authFetch function"))?;
        Ok(Self { data, auth_fetch })
    }

    /// A context for the shell's own calls (it uses the same `authFetch` it gives MFEs).
    pub fn new(data: MountContext, auth_fetch: js_sys::Function) -> Self {
        Self { data, auth_fetch }
    }

    /// `{method} {apiBase}{path}` with an optional JSON `body` through `authFetch`, decoding
    /// JSON `T` (`()` for an answer without a body) or a problem body.
    pub async fn send_json<B: serde::Serialize, T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<&B>,
        signal: Option<&web_sys::AbortSignal>,
    ) -> Result<T, FetchError> {
        self.send_json_with(method, path, body, &[], signal).await
    }

    /// [`ShellContext::send_json`] with extra request `headers` (e.g. `Idempotency-Key`).
    ///
    /// Only encoding `B` and decoding `T` are generic: the request and the wait for the answer
    /// are one private `send_text`, compiled once for every type a module sends or reads.
    pub async fn send_json_with<B: serde::Serialize, T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<&B>,
        headers: &[(&str, &str)],
        signal: Option<&web_sys::AbortSignal>,
    ) -> Result<T, FetchError> {
        let body = body.map(to_json_text).transpose().map_err(FetchError::Decode)?;
        let answer = self
            .send_text(method, path, body.as_deref(), headers, signal)
            .await?;
        serde_wasm_bindgen::from_value(answer).map_err(|e| FetchError::Decode(e.to_string()))
    }

    /// `{method} {apiBase}{path}` with an optional JSON `body` already built as a JS value
    /// ([`crate::encode`]), answering the parsed JSON itself (`null` for an answer without a
    /// body) for a module that reads it with [`crate::decode`]: neither side through serde.
    pub async fn send_value(
        &self,
        method: &str,
        path: &str,
        body: Option<&JsValue>,
        signal: Option<&web_sys::AbortSignal>,
    ) -> Result<JsValue, FetchError> {
        let body = body
            .map(|b| {
                js_sys::JSON::stringify(b)
                    .map(String::from)
                    .map_err(|e| js_error_text(&e))
            })
            .transpose()
            .map_err(FetchError::Decode)?;
        self.send_text(method, path, body.as_deref(), &[], signal).await
    }

    /// Sends `body` (JSON text) and reads the answer as a parsed JSON value, or the problem.
    async fn send_text(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
        signal: Option<&web_sys::AbortSignal>,
    ) -> Result<JsValue, FetchError> {
        let init = web_sys::RequestInit::new();
        init.set_method(method);
        let request_headers = web_sys::Headers::new().map_err(|e| FetchError::Network(js_error_text(&e)))?;
        for (name, value) in headers {
            let _ = request_headers.set(name, value);
        }
        if let Some(body) = body {
            init.set_body(&JsValue::from_str(body));
            let _ = request_headers.set("Content-Type", "application/json");
        }
        init.set_headers(&request_headers);
        if let Some(signal) = signal {
            init.set_signal(Some(signal));
        }
        let response = self.call(path, &init).await?;
        read_answer(response).await
    }

    /// `GET {apiBase}{path}` through `authFetch`, decoding JSON `T` or a problem body.
    ///
    /// `signal` aborts the request (MFEs pass one they abort on unmount).
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        signal: Option<&web_sys::AbortSignal>,
    ) -> Result<T, FetchError> {
        self.send_json::<(), T>("GET", path, None, signal).await
    }

    async fn call(&self, path: &str, init: &web_sys::RequestInit) -> Result<web_sys::Response, FetchError> {
        let promise = self
            .auth_fetch
            .call2(&JsValue::NULL, &JsValue::from_str(path), init)
            .map_err(|e| FetchError::Network(js_error_text(&e)))?;
        let promise: js_sys::Promise = promise
            .dyn_into()
            .map_err(|_| FetchError::Network("authFetch did not return a promise".into()))?;
        let value = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(|e| FetchError::Network(js_error_text(&e)))?;
        value
            .dyn_into::<web_sys::Response>()
            .map_err(|_| FetchError::Network("authFetch did not resolve to a Response".into()))
    }
}

async fn read_answer(response: web_sys::Response) -> Result<JsValue, FetchError> {
    let status = response.status();
    let text_promise = response
        .text()
        .map_err(|e| FetchError::Network(js_error_text(&e)))?;
    let text = wasm_bindgen_futures::JsFuture::from(text_promise)
        .await
        .map_err(|e| FetchError::Network(js_error_text(&e)))?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        // No body (204) reads as JSON `null`: what `()` decodes from.
        let json = if text.is_empty() { "null" } else { text.as_str() };
        return js_sys::JSON::parse(json).map_err(|e| FetchError::Decode(js_error_text(&e)));
    }
    let problem = crate::decode::from_json_text::<Problem>(&text)
        .unwrap_or_else(|_| Problem::new("http-error", format!("The store answered {status}"), status));
    Err(FetchError::Problem(problem))
}

#[cfg(test)]
mod tests {
    use super::FetchError;

    #[test]
    fn aborted_and_unmounted_calls_are_recognised_in_any_case() {
        let network = |reason: &str| FetchError::Network(reason.into());
        assert!(network("unmounted").is_unmounted());
        assert!(network("The user aborted a request.").is_unmounted());
        assert!(network("AbortError: signal is aborted without reason").is_unmounted());
        assert!(network("ABORT").is_unmounted());
        assert!(!network("Failed to fetch").is_unmounted());
        assert!(!network("abor").is_unmounted());
        assert!(!network("").is_unmounted());
        assert!(!FetchError::Decode("aborted".into()).is_unmounted());
    }
}
