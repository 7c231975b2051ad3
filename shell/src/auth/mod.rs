//! Sign-in state: who is signed in, kept in step with the session in `auth.js`.
//!
//! The shell is the only part of the page that authenticates. It restores the session from
//! the refresh cookie at start, signs in, registers and signs out, and tells everyone with
//! `storefront:auth-changed` whenever the user changes. MFEs get an `authFetch` that carries
//! the token without ever exposing it.

pub mod rules;

use contracts::events::{AuthChanged, UserSummary};
use contracts::identity::{RegisterRequest, SignInRequest};
use contracts::problem::Problem;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_kit::decode::Decode;
use web_kit::encode::Encode;
use web_kit::events::emit_encoded;

// Cargo does not see the snippet as an input: without this, a change to it alone keeps the
// old copy embedded in the wasm.
const _: &str = include_str!("auth.js");

#[wasm_bindgen(module = "/src/auth/auth.js")]
extern "C" {
    #[wasm_bindgen(js_name = onSessionChange)]
    fn on_session_change(callback: &Closure<dyn Fn(JsValue)>);
    #[wasm_bindgen(js_name = refreshSession)]
    fn refresh_session() -> js_sys::Promise;
    #[wasm_bindgen(js_name = submitCredentials)]
    fn submit_credentials(path: &str, body: JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = signOut)]
    fn sign_out_js() -> js_sys::Promise;
    #[wasm_bindgen(js_name = authFetchFor)]
    fn auth_fetch_for(api_base: &str) -> JsValue;
    #[wasm_bindgen(js_name = followEvents)]
    fn follow_events_js(url: &str, on_event: &Closure<dyn Fn(String, String)>) -> js_sys::Function;
}

/// The signed-in user and whether the session has been restored yet, as context.
#[derive(Clone, Copy)]
pub struct Auth {
    /// Who is signed in (`None`: nobody).
    pub user: RwSignal<Option<UserSummary>>,
    /// False until the start-up refresh has answered; slots wait for it so every MFE is
    /// mounted with the right user.
    pub ready: RwSignal<bool>,
}

/// Starts session tracking, restores the session from the cookie, provides [`Auth`].
pub fn provide_auth() -> Auth {
    let auth = Auth {
        user: RwSignal::new(None),
        ready: RwSignal::new(false),
    };
    let user = auth.user;
    let callback = Closure::<dyn Fn(JsValue)>::new(move |value: JsValue| {
        // `null` when signed out; an unreadable user counts as nobody, as before.
        let next = (!value.is_null() && !value.is_undefined())
            .then(|| UserSummary::decode(value).ok())
            .flatten();
        if user.get_untracked() != next {
            user.set(next.clone());
            emit_encoded(&AuthChanged { user: next });
        }
    });
    on_session_change(&callback);
    // The session lives as long as the page.
    callback.forget();
    leptos::task::spawn_local(async move {
        let _ = JsFuture::from(refresh_session()).await;
        auth.ready.set(true);
    });
    provide_context(auth);
    auth
}

/// The auth state from context.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// The `authFetch` function for an MFE's context.
pub fn auth_fetch(api_base: &str) -> JsValue {
    auth_fetch_for(api_base)
}

/// Follows the server-sent events at `url` with the session's token (reconnecting, and
/// refreshing the token, as needed), calling `on_event(name, data)` for each; returns the
/// function that stops it. `on_event` must outlive the stream.
pub fn follow_events(url: &str, on_event: &Closure<dyn Fn(String, String)>) -> js_sys::Function {
    follow_events_js(url, on_event)
}

/// Why a sign-in or registration was refused, worded for the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormError {
    /// Errors that belong next to a field: (field, message).
    pub fields: Vec<(String, String)>,
    /// An error for the whole form.
    pub message: Option<String>,
}

impl FormError {
    /// The message for `field`, if any.
    pub fn field(&self, field: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    }

    fn general(message: impl Into<String>) -> Self {
        Self {
            fields: Vec::new(),
            message: Some(message.into()),
        }
    }
}

/// Signs in; on success the session starts and `auth-changed` is emitted.
pub async fn sign_in(request: &SignInRequest) -> Result<(), FormError> {
    submit("/api/identity/sessions", request).await
}

/// Registers and signs in.
pub async fn register(request: &RegisterRequest) -> Result<(), FormError> {
    submit("/api/identity/users", request).await
}

/// Signs out here and on the server.
pub async fn sign_out() {
    let _ = JsFuture::from(sign_out_js()).await;
}

async fn submit(path: &str, body: &impl Encode) -> Result<(), FormError> {
    let outcome = JsFuture::from(submit_credentials(path, body.encode()))
        .await
        .map_err(|_| FormError::general("Cannot reach Mercado; check your connection and try again."))?;
    let get = |key: &str| js_sys::Reflect::get(&outcome, &key.into()).ok();
    let status = get("status").and_then(|v| v.as_f64()).unwrap_or_default() as u16;
    if (200..300).contains(&status) {
        return Ok(());
    }
    let body = get("body").and_then(|v| v.as_string()).unwrap_or_default();
    let retry_after = get("retryAfter").and_then(|v| v.as_string());
    Err(form_error(status, &body, retry_after))
}

fn form_error(status: u16, body: &str, retry_after: Option<String>) -> FormError {
    if status == 429 {
        let wait = retry_after.unwrap_or_else(|| "a few".into());
        return FormError::general(format!(
            "Too many attempts. Please wait {wait} seconds and try again."
        ));
    }
    // Read by hand, as web_kit reads every problem body: no serde visitor for `Problem`.
    match web_kit::decode::from_json_text::<Problem>(body) {
        Ok(problem) if !problem.errors.is_empty() => FormError {
            fields: problem.errors.into_iter().map(|e| (e.field, e.message)).collect(),
            message: None,
        },
        Ok(problem) => FormError::general(problem.detail.unwrap_or(problem.title)),
        Err(_) => FormError::general(format!("Something went wrong (HTTP {status}); please try again.")),
    }
}
