//! The catalog micro-frontend: product grid (all, by category, search results) and product
//! detail, mounted by the shell at run time under the mount ABI of `contracts::mount`.
//!
//! It talks to the catalog service only through the shell's `authFetch`, and to the rest of
//! the page only through the URL (it follows `popstate`) and `storefront:*` events. It must
//! not touch history itself, read tokens, or leave anything behind after `unmount()`.

mod api;
mod app;
mod components;
mod pages;
pub mod route;

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
    /// Aborts pending requests, then removes the DOM and every listener (dropping the Leptos
    /// owner runs its cleanups).
    pub fn unmount(mut self) {
        self.api.release();
        drop(self.view.take());
    }
}

/// Renders the catalog into `element` with the shell's `context` (see `contracts::mount`).
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
