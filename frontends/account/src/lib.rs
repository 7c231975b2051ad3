//! The account micro-frontend: the signed-in shopper's own pages under `/account`, mounted by
//! the shell at run time under the mount ABI of `contracts::mount`. Today it shows the
//! profile; order history joins it with the orders service.
//!
//! It needs a signed-in user: without one it emits `storefront:auth-required` and the shell
//! sends the shopper to sign in and back. It calls identity only through `authFetch`, never
//! sees a token, and leaves nothing behind after `unmount()`.

mod api;
mod app;
mod pages;

use contracts::browser::ShellContext;
use wasm_bindgen::prelude::*;

/// What `mount` returns; `unmount()` tears everything down.
#[wasm_bindgen]
pub struct MountHandle {
    view: Option<Box<dyn std::any::Any>>,
    api: api::Api,
}

#[wasm_bindgen]
impl MountHandle {
    /// Aborts pending requests, then removes the DOM and every listener.
    pub fn unmount(mut self) {
        self.api.release();
        drop(self.view.take());
    }
}

/// Renders the account pages into `element` with the shell's `context`.
#[wasm_bindgen]
pub fn mount(element: web_sys::HtmlElement, context: JsValue) -> Result<MountHandle, JsValue> {
    console_error_panic_hook::set_once();
    let shell = ShellContext::from_js(&context)?;
    let signed_in = shell.data.user.is_some();
    let api = api::Api::register(shell)?;
    let view = leptos::mount::mount_to(element, move || app::App(app::AppProps { api, signed_in }));
    Ok(MountHandle {
        view: Some(Box::new(view)),
        api,
    })
}
