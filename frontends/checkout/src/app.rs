//! The checkout MFE's root: makes sure someone is signed in, then shows the checkout.

use contracts::events::AuthChanged;
use leptos::prelude::*;
use web_kit::events::{keep_until_cleanup, listen_decoded};
use web_kit::location::request_sign_in;

use crate::api::Api;
use crate::pages::checkout_page::CheckoutPage;

// Scoped to this MFE's own elements when compiled (web_kit::style).
const STYLE: &str = web_kit::scoped_css!("style.css");

/// The checkout MFE's root.
#[component]
pub fn App(api: Api, signed_in: bool) -> impl IntoView {
    let signed_in = RwSignal::new(signed_in);
    let listener = listen_decoded::<AuthChanged, _>(move |event| signed_in.set(event.user.is_some()));
    keep_until_cleanup(listener);
    // After mount has returned: the shell is not asked to navigate while mounting us.
    Effect::new(move |_| {
        if !signed_in.get() {
            request_sign_in();
        }
    });
    view! {
        <style>{STYLE}</style>
        <div class="checkout" data-testid="checkout">
            <Show when=move || signed_in.get() fallback=|| view! { <p class="checkout-note">"Taking you to sign in…"</p> }>
                <CheckoutPage api=api />
            </Show>
        </div>
    }
}
