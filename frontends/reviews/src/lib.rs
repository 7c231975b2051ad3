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
mod decode;
pub mod format;
pub mod route;
pub mod rules;
mod state;

web_kit::export_mount! {
    /// Renders the reviews of the product in the URL into `element` with the shell's `context`.
    api: api::Api,
    render: |api, signed_in| app::App(app::AppProps { api, signed_in }),
}
