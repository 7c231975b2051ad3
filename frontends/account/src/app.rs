//! The account MFE's root: makes sure someone is signed in, then shows their pages.

use contracts::browser::{emit, listen};
use contracts::events::{AuthChanged, AuthRequired};
use leptos::prelude::*;

use crate::api::Api;
use crate::pages::profile::ProfilePage;

const STYLE: &str = include_str!("style.css");

/// Asks the shell to sign the shopper in and bring them back here.
pub fn require_sign_in() {
    let location = web_sys::window().map(|w| w.location());
    let here = location
        .map(|l| {
            format!(
                "{}{}",
                l.pathname().unwrap_or_default(),
                l.search().unwrap_or_default()
            )
        })
        .unwrap_or_else(|| "/account".into());
    emit(&AuthRequired { return_to: here });
}

/// The account MFE's root.
#[component]
pub fn App(api: Api, signed_in: bool) -> impl IntoView {
    let signed_in = RwSignal::new(signed_in);
    // Signing out elsewhere on the page ends access to these pages at once.
    let listener = listen::<AuthChanged, _>(move |event| signed_in.set(event.user.is_some()));
    let stored = StoredValue::new_local(Some(listener));
    on_cleanup(move || stored.update_value(|l| drop(l.take())));
    // An effect, not a direct call: it runs after mount() has returned to the shell, so the
    // shell is not asked to navigate while it is still in the middle of mounting us.
    Effect::new(move |_| {
        if !signed_in.get() {
            require_sign_in();
        }
    });
    view! {
        <style>{STYLE}</style>
        <div class="account" data-testid="account">
            <Show
                when=move || signed_in.get()
                fallback=|| view! { <p class="account-note">"Taking you to sign in…"</p> }
            >
                <ProfilePage api=api />
            </Show>
        </div>
    }
}
