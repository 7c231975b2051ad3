//! An MFE's side of the mount ABI (`contracts::mount`): [`export_mount!`](crate::export_mount)
//! exports `mount` / `unmount`, [`MountedApi`] is the mounted instance's way to its API (every
//! request aborted on unmount), and [`report_panics`] tells the shell when the instance dies.

use contracts::events::MfeCrashed;
use contracts::mount::MountContext;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use crate::events::emit_encoded;
use crate::fetch::{FetchError, ShellContext};

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
        emit_encoded(&MfeCrashed {
            slot: slot.clone(),
            message,
        });
    }));
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

    /// `GET {apiBase}{path}` answering the parsed JSON itself, to be read with
    /// [`crate::decode`] (aborted if the MFE unmounts meanwhile).
    pub async fn get_value(self, path: &str) -> Result<JsValue, FetchError> {
        self.send_value("GET", path, None).await
    }

    /// [`MountedApi::send_json`] with a body built by [`crate::encode`], answering the parsed
    /// JSON itself (`null` without a body).
    pub async fn send_value(
        self,
        method: &str,
        path: &str,
        body: Option<&JsValue>,
    ) -> Result<JsValue, FetchError> {
        let found = self.with(|mounted| (mounted.shell.clone(), mounted.abort.signal()));
        let Some((shell, signal)) = found else {
            return Err(FetchError::Network("unmounted".into()));
        };
        shell.send_value(method, path, body, Some(&signal)).await
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
/// reported to the shell ([`mount::report_panics`](crate::mount::report_panics)).
///
/// ```ignore
/// web_kit::export_mount! {
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
            let shell = $crate::fetch::ShellContext::from_js(&context)?;
            $crate::mount::report_panics(&shell.data.slot);
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
