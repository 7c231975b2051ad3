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

web_kit::export_mount! {
    /// Renders the cart into `element` with the shell's `context`.
    api: api::Api,
    render: |api, _signed_in| app::App(app::AppProps { api }),
}
