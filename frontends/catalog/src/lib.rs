//! The catalog micro-frontend: product grid (all, by category, search results) and product
//! detail, mounted by the shell at run time under the mount ABI of `contracts::mount`.
//!
//! It talks to the catalog service only through the shell's `authFetch`, and to the rest of
//! the page only through the URL (it follows `popstate`) and `storefront:*` events. It must
//! not touch history itself, read tokens, or leave anything behind after `unmount()`.

mod api;
mod app;
mod components;
mod decode;
mod pages;
pub mod route;

web_kit::export_mount! {
    /// Renders the catalog into `element` with the shell's `context` (see `contracts::mount`).
    api: api::Api,
    render: |api, _signed_in| app::App(app::AppProps { api }),
}
