//! The header's account corner: "Sign in" for visitors; the user's name and "Sign out" for
//! a signed-in user. It follows the shell's auth state, which changes together with every
//! `storefront:auth-changed`.

use leptos::either::Either;
use leptos::prelude::*;

use crate::auth::{self, use_auth};
use crate::pages::return_to::auth_page_href;
use crate::router::use_router;

/// Sign-in link or user menu.
#[component]
pub fn UserMenu() -> impl IntoView {
    let auth = use_auth();
    let router = use_router();
    let sign_in_href = move || {
        let location = router.location.get();
        auth_page_href("/login", &location.href())
    };
    move || match auth.user.get() {
        Some(user) => Either::Left(view! {
            <div class="user-menu" data-testid="user-menu">
                <a class="user-name" href="/account" data-testid="user-name">{user.name}</a>
                <button
                    class="sign-out"
                    type="button"
                    data-testid="sign-out"
                    on:click=move |_| leptos::task::spawn_local(auth::sign_out())
                >
                    "Sign out"
                </button>
            </div>
        }),
        None => {
            Either::Right(view! { <a class="sign-in" href=sign_in_href data-testid="sign-in">"Sign in"</a> })
        }
    }
}
