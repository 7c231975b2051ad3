//! The account MFE's root: makes sure someone is signed in, follows the URL, and shows the
//! profile with the order list (`/account`) or one order (`/account/orders/{id}`).

use contracts::events::AuthChanged;
use leptos::prelude::*;
use web_kit::events::{keep_until_cleanup, listen_decoded};
use web_kit::location::{current_location, on_location_change, request_sign_in};

use crate::api::Api;
use crate::pages::{order_detail::OrderDetail, orders_list::OrdersList, profile::ProfilePage};

// Scoped to this MFE's own elements when compiled (web_kit::style).
const STYLE: &str = web_kit::scoped_css!("style.css");

/// The order id of `/account/orders/{id}`, if that is the path.
fn order_id(path: &str) -> Option<String> {
    let id = path.strip_prefix("/account/orders/")?.trim_end_matches('/');
    (!id.is_empty() && !id.contains('/')).then(|| id.to_string())
}

/// Keeps `signal` in step with the URL for as long as the mount lives.
fn follow_location() -> ReadSignal<String> {
    let (path, set_path) = signal(current_location().0);
    let listener = on_location_change(move |(p, _)| set_path.set(p));
    keep_until_cleanup(listener);
    path
}

/// The account MFE's root.
#[component]
pub fn App(api: Api, signed_in: bool) -> impl IntoView {
    let signed_in = RwSignal::new(signed_in);
    // Signing out elsewhere on the page ends access to these pages at once.
    let listener = listen_decoded::<AuthChanged, _>(move |event| signed_in.set(event.user.is_some()));
    keep_until_cleanup(listener);
    // An effect, not a direct call: it runs after mount() has returned to the shell, so the
    // shell is not asked to navigate while it is still in the middle of mounting us.
    Effect::new(move |_| {
        if !signed_in.get() {
            request_sign_in();
        }
    });
    let path = follow_location();
    let page = Memo::new(move |_| order_id(&path.get()));
    view! {
        <style>{STYLE}</style>
        <div class="account" data-testid="account">
            <Show
                when=move || signed_in.get()
                fallback=|| view! { <p class="account-note">"Taking you to sign in…"</p> }
            >
                {move || match page.get() {
                    Some(id) => view! { <OrderDetail api=api id=id /> }.into_any(),
                    None => view! { <ProfilePage api=api /> <OrdersList api=api /> }.into_any(),
                }}
            </Show>
        </div>
    }
}
