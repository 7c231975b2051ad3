//! Browser helpers over the contracts: emit and listen to `storefront:*` events with their
//! typed payloads, and decode the mount context the shell hands an MFE.
//!
//! Only for `wasm32` code (the shell, MFEs and their dev harnesses); enabled by the
//! `browser` feature so services never compile web-sys.

use gloo_events::EventListener;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use crate::events::StorefrontEvent;
use crate::mount::{MountContext, AUTH_FETCH_PROPERTY};
use crate::problem::Problem;

/// Dispatches `event` on `window` as a `CustomEvent` named [`StorefrontEvent::NAME`].
pub fn emit<E: StorefrontEvent>(event: &E) {
    let Some(window) = web_sys::window() else { return };
    let Ok(detail) = event.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) else {
        return;
    };
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&detail);
    if let Ok(custom) = web_sys::CustomEvent::new_with_event_init_dict(E::NAME, &init) {
        let _ = window.dispatch_event(&custom);
    }
}

/// Calls `handler` with each `E` dispatched on `window` until the returned guard is dropped.
///
/// Events whose payload does not decode as `E` are ignored (and logged), so one buggy
/// emitter cannot break its listeners.
pub fn listen<E, F>(mut handler: F) -> EventListener
where
    E: StorefrontEvent + 'static,
    F: FnMut(E) + 'static,
{
    let window = web_sys::window().expect("a browser window");
    EventListener::new(&window, E::NAME, move |event| {
        let Some(custom) = event.dyn_ref::<web_sys::CustomEvent>() else {
            return;
        };
        match serde_wasm_bindgen::from_value::<E>(custom.detail()) {
            Ok(payload) => handler(payload),
            Err(err) => {
                web_sys::console::warn_2(&format!("ignoring malformed {}", E::NAME).into(), &err.into())
            }
        }
    })
}

/// Keeps `listener` (from [`listen`], [`on_location_change`], …) until the current Leptos
/// owner is cleaned up — for an MFE, until `unmount()` — so no listener outlives its view.
///
/// Leptos cleanups must be `Send`, and a DOM listener is not: it is parked in a local
/// `StoredValue` that the cleanup empties.
pub fn keep_until_cleanup(listener: EventListener) {
    use leptos::prelude::{on_cleanup, StoredValue, UpdateValue};
    let stored = StoredValue::new_local(Some(listener));
    on_cleanup(move || stored.update_value(|l| drop(l.take())));
}

/// Makes this MFE's panics known to the shell: each one is logged and reported as
/// `storefront:mfe-crashed` for `slot`, so the shell swaps the dead instance for a fallback
/// instead of leaving a page that no longer answers.
///
/// A panic hook is per wasm instance; an instance mounted in one slot at a time (as every MFE
/// is) reports the right one.
pub fn report_panics(slot: &str) {
    let slot = slot.to_string();
    std::panic::set_hook(Box::new(move |info| {
        let message = info.to_string();
        web_sys::console::error_1(&format!("panic in the MFE in slot {slot}: {message}").into());
        emit(&crate::events::MfeCrashed {
            slot: slot.clone(),
            message,
        });
    }));
}

/// The page's path and query string now (`("/search", "?q=mug")`), which MFEs route on.
pub fn current_location() -> (String, String) {
    let location = web_sys::window().map(|w| w.location());
    let read = |f: fn(&web_sys::Location) -> Result<String, JsValue>| {
        location.as_ref().and_then(|l| f(l).ok()).unwrap_or_default()
    };
    (read(web_sys::Location::pathname), read(web_sys::Location::search))
}

/// Calls `handler` with the new location whenever the URL changes (the shell and the browser
/// both announce it with `popstate`), until the returned guard is dropped.
pub fn on_location_change(mut handler: impl FnMut((String, String)) + 'static) -> EventListener {
    let window = web_sys::window().expect("a browser window");
    EventListener::new(&window, "popstate", move |event| handler(location_of(event)))
}

/// The location a `popstate` announces. The shell's own carry the new path and query as their
/// state, because it writes the history entry only once the page is shown
/// ([`crate::events::PageShown`]); the browser's (back, forward) are read from the address bar.
pub fn location_of(event: &web_sys::Event) -> (String, String) {
    let announced = event
        .dyn_ref::<web_sys::PopStateEvent>()
        .and_then(|e| e.state().as_string());
    match announced {
        Some(href) => split_href(&href),
        None => current_location(),
    }
}

/// `/search?q=mug#top` → `("/search", "?q=mug")`.
fn split_href(href: &str) -> (String, String) {
    let href = href.split_once('#').map_or(href, |(before, _)| before);
    match href.split_once('?') {
        Some((path, query)) => (path.to_string(), format!("?{query}")),
        None => (href.to_string(), String::new()),
    }
}

/// Asks the shell to sign the shopper in and bring them back to where they are now
/// (`storefront:auth-required` with the current path and query).
pub fn request_sign_in() {
    let (path, search) = current_location();
    emit(&crate::events::AuthRequired {
        return_to: format!("{path}{search}"),
    });
}

/// Resolves after `ms` milliseconds (for polling; the caller stops when its MFE unmounts).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

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
    pub fn is_unmounted(&self) -> bool {
        matches!(self, FetchError::Network(reason) if reason == "unmounted" || reason.to_lowercase().contains("abort"))
    }

    /// HTTP status, when the service answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Problem(p) => Some(p.status),
            _ => None,
        }
    }
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
        let data: MountContext = serde_wasm_bindgen::from_value(context.clone())
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
    /// are [`ShellContext::send_text`], compiled once for every type a module sends or reads.
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
    let problem = from_json_text::<Problem>(&text)
        .unwrap_or_else(|_| Problem::new("http-error", format!("The store answered {status}"), status));
    Err(FetchError::Problem(problem))
}

/// Decodes JSON text with the browser's own parser: keeps serde_json's parser (and its float
/// formatting) out of every wasm module, which are shipped over the network.
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

/// A mounted MFE's way to its API: a small `Copy` handle to the shell context and an abort
/// controller, kept in a per-mount table (JS values are not `Send`, so components carry only
/// this id). [`MountedApi::release`] on unmount aborts every request still in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MountedApi {
    id: u32,
}

struct Mounted {
    shell: ShellContext,
    abort: web_sys::AbortController,
}

thread_local! {
    /// The live mounts by id: a few at most, so a list (a hash map would add its hashing and
    /// table code to every MFE's download).
    static MOUNTS: std::cell::RefCell<Vec<(u32, Mounted)>> = const { std::cell::RefCell::new(Vec::new()) };
    static NEXT_MOUNT: std::cell::Cell<u32> = const { std::cell::Cell::new(1) };
}

impl MountedApi {
    /// Registers a mount's context with a fresh abort controller.
    pub fn register(shell: ShellContext) -> Result<Self, JsValue> {
        let abort = web_sys::AbortController::new()?;
        let id = NEXT_MOUNT.with(|n| {
            let id = n.get();
            n.set(id.wrapping_add(1));
            id
        });
        MOUNTS.with(|m| m.borrow_mut().push((id, Mounted { shell, abort })));
        Ok(Self { id })
    }

    /// Aborts in-flight requests and forgets the context (on unmount).
    pub fn release(self) {
        let released = MOUNTS.with(|m| {
            let mut mounts = m.borrow_mut();
            let at = mounts.iter().position(|(id, _)| *id == self.id)?;
            Some(mounts.swap_remove(at).1)
        });
        if let Some(mounted) = released {
            mounted.abort.abort();
        }
    }

    /// The context data given at mount (`None` once released).
    pub fn context(self) -> Option<MountContext> {
        self.with(|mounted| mounted.shell.data.clone())
    }

    fn with<R>(self, read: impl FnOnce(&Mounted) -> R) -> Option<R> {
        MOUNTS.with(|m| {
            m.borrow()
                .iter()
                .find(|(id, _)| *id == self.id)
                .map(|(_, mounted)| read(mounted))
        })
    }

    /// `GET {apiBase}{path}` through `authFetch`, aborted if the MFE unmounts meanwhile.
    pub async fn get_json<T: DeserializeOwned>(self, path: &str) -> Result<T, FetchError> {
        self.send_json::<(), T>("GET", path, None).await
    }

    /// `{method} {apiBase}{path}` with a JSON body, aborted if the MFE unmounts meanwhile.
    pub async fn send_json<B: serde::Serialize, T: DeserializeOwned>(
        self,
        method: &str,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, FetchError> {
        self.send_json_with(method, path, body, &[]).await
    }

    /// [`MountedApi::send_json`] with extra request `headers`.
    pub async fn send_json_with<B: serde::Serialize, T: DeserializeOwned>(
        self,
        method: &str,
        path: &str,
        body: Option<&B>,
        headers: &[(&str, &str)],
    ) -> Result<T, FetchError> {
        let found = self.with(|mounted| (mounted.shell.clone(), mounted.abort.signal()));
        let Some((shell, signal)) = found else {
            return Err(FetchError::Network("unmounted".into()));
        };
        shell
            .send_json_with(method, path, body, headers, Some(&signal))
            .await
    }
}

/// Exports an MFE's side of the mount ABI (`contracts::mount`): `mount(element, context)` and
/// the `MountHandle` whose `unmount()` aborts the MFE's requests and drops its view (the Leptos
/// owner's cleanups remove every listener and node). One definition for every MFE, so none
/// can forget a step of the teardown.
///
/// `api` is the MFE's API handle type (with `register(ShellContext)` and `release()`);
/// `render` builds the root view from that handle and whether someone is signed in. The MFE
/// crate must depend on `wasm-bindgen`, `web-sys` and `leptos`. A panic after mount is
/// reported to the shell ([`browser::report_panics`](crate::browser::report_panics)).
///
/// ```ignore
/// contracts::export_mount! {
///     /// Renders the cart into `element` with the shell's `context`.
///     api: api::Api,
///     render: |api, _signed_in| app::App(app::AppProps { api }),
/// }
/// ```
#[macro_export]
macro_rules! export_mount {
    ($(#[$doc:meta])* api: $api:ty, render: |$handle:ident, $signed_in:ident| $render:expr $(,)?) => {
        /// What `mount` returns; `unmount()` tears everything down.
        #[wasm_bindgen::prelude::wasm_bindgen]
        pub struct MountHandle {
            view: Option<Box<dyn std::any::Any>>,
            api: $api,
        }

        #[wasm_bindgen::prelude::wasm_bindgen]
        impl MountHandle {
            /// Aborts pending requests, then removes the DOM and every listener (dropping the
            /// Leptos owner runs its cleanups).
            pub fn unmount(mut self) {
                self.api.release();
                drop(self.view.take());
            }
        }

        $(#[$doc])*
        #[wasm_bindgen::prelude::wasm_bindgen]
        pub fn mount(
            element: web_sys::HtmlElement,
            context: wasm_bindgen::JsValue,
        ) -> Result<MountHandle, wasm_bindgen::JsValue> {
            let shell = $crate::browser::ShellContext::from_js(&context)?;
            $crate::browser::report_panics(&shell.data.slot);
            let $signed_in = shell.data.user.is_some();
            let $handle = <$api>::register(shell)?;
            let view = leptos::mount::mount_to(element, move || $render);
            Ok(MountHandle {
                view: Some(Box::new(view)),
                api: $handle,
            })
        }
    };
}
