//! Mercado's shell: the Leptos app every page runs in.
//!
//! It renders the header and footer, owns the URL (link interception, history, popstate),
//! and mounts independently built micro-frontends into slots at run time from
//! `/mfe/manifest.json`. It has no compile-time dependency on any MFE, and talks to them only
//! through the URL, the mount ABI and `storefront:*` events (`contracts`). It alone signs
//! users in and holds their access token ([`auth`]).

mod api;
mod app;
mod auth;
mod cart;
mod components;
mod devtools;
mod live;
mod loader;
mod manifest;
mod pages;
mod prefetch;
mod router;
mod slots;

// Talc instead of the default dlmalloc: 0.8 KB less to download (measured), and faster.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    log_panics();
    leptos::mount::mount_to_body(app::App);
}

/// A panic's message and place on the console, as the MFEs log theirs (`web_kit::mount`):
/// otherwise the browser shows only "unreachable". Not `console_error_panic_hook`, whose copy
/// of the JS stack (console.error shows one anyway) cost 0.45 KB of the download.
fn log_panics() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
}
