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

web_kit::export_mount! {
    /// Renders the account pages into `element` with the shell's `context`.
    api: api::Api,
    render: |api, signed_in| app::App(app::AppProps { api, signed_in }),
}
