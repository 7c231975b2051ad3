//! The checkout micro-frontend: `/checkout` — the shipping address, a review of what will be
//! bought at today's prices, and "Place order", after which the shopper goes to the payment
//! provider's page. Mounted by the shell at run time under the mount ABI of `contracts::mount`.
//!
//! It needs a signed-in user (else `storefront:auth-required`), talks only to the orders
//! service through `authFetch`, sends one idempotency key per visit so a double click or a
//! retry never orders twice, and leaves nothing behind after `unmount()`.

mod api;
mod app;
mod components;
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

/// Renders the checkout into `element` with the shell's `context`.
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
