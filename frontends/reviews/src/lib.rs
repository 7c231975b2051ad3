//! The reviews micro-frontend: under a product page (`/products/{id}`, the shell's secondary
//! slot) it shows the product's rating — average, count, spread by stars — and its reviews,
//! ten a page, newest or most helpful first; a signed-in shopper writes or rewrites their own
//! review there, marks others' helpful, or reports them. Mounted by the shell at run time under
//! the mount ABI of `contracts::mount`.
//!
//! It follows the URL (`popstate`): the shell keeps it mounted from one product to the next.
//! It talks to the reviews service only through `authFetch`, to the rest of the page only
//! through the URL and `storefront:*` events (it sends `storefront:review-posted` once a review
//! is saved, and `storefront:auth-required` when a visitor wants to write, vote or report).
//! It must not render review text as HTML, touch history, read tokens, or leave anything
//! behind after `unmount()`.

mod api;
mod app;
mod components;
pub mod format;
pub mod route;
pub mod rules;
mod state;

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

/// Renders the reviews of the product in the URL into `element` with the shell's `context`.
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
