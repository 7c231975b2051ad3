//! Pages the shell renders itself (no MFE in the main slot): sign-in and registration.

pub mod auth_form;
pub mod return_to;

use leptos::prelude::*;

use crate::auth::use_auth;
use crate::router::navigate;

/// Paths the shell renders itself.
pub fn is_shell_page(path: &str) -> bool {
    matches!(path, "/login" | "/register")
}

/// Sends a signed-in user on to `return_to`: after a successful submit, and when a signed-in
/// user opens an auth page.
fn use_leave_when_signed_in(return_to: String) {
    let auth = use_auth();
    Effect::new(move |_| {
        if auth.ready.get() && auth.user.with(Option::is_some) {
            navigate(&return_to);
        }
    });
}
