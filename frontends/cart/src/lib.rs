//! The cart micro-frontend: `/cart`, the lines in the shopper's cart with quantities and
//! totals priced now, mounted by the shell at run time under the mount ABI of
//! `contracts::mount`.
//!
//! It calls the cart service only through `authFetch` (a visitor's cart travels in an HttpOnly
//! cookie it never sees), tells the page about the new count with `storefront:cart-changed`
//! after every change, and leaves nothing behind after `unmount()`.

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

/// Renders the cart into `element` with the shell's `context`.
#[wasm_bindgen]
pub fn mount(element: web_sys::HtmlElement, context: JsValue) -> Result<MountHandle, JsValue> {
    console_error_panic_hook::set_once();
    let shell = ShellContext::from_js(&context)?;
    let api = api::Api::register(shell)?;
    let view = leptos::mount::mount_to(element, move || app::App(app::AppProps { api }));
    Ok(MountHandle {
        view: Some(Box::new(view)),
        api,
    })
}
