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

web_kit::export_mount! {
    /// Renders the checkout into `element` with the shell's `context`.
    api: api::Api,
    render: |api, signed_in| app::App(app::AppProps { api, signed_in }),
}
