//! The reviews MFE's root: follows the URL and the signed-in state, and shows the reviews of
//! the product in the URL (nothing on any other path).

use contracts::events::AuthChanged;
use leptos::prelude::*;
use web_kit::events::{keep_until_cleanup, listen_decoded};
use web_kit::location::{current_location, on_location_change};

use crate::api::Api;
use crate::components::product_reviews::ProductReviews;
use crate::route;

// Scoped to this MFE's own elements when compiled (web_kit::style).
const STYLE: &str = web_kit::scoped_css!("style.css");

/// The path now, kept in step with the browser through `popstate` for as long as the mount
/// lives: the shell keeps this MFE mounted from one product page to the next.
fn follow_location() -> ReadSignal<String> {
    let (path, set_path) = signal(current_location().0);
    let listener = on_location_change(move |(p, _)| set_path.set(p));
    keep_until_cleanup(listener);
    path
}

/// Whether someone is signed in, following `storefront:auth-changed` (signing in or out
/// elsewhere on the page changes what may be done here, and what a read returns).
fn follow_auth(signed_in: bool) -> ReadSignal<bool> {
    let (signed_in, set_signed_in) = signal(signed_in);
    let listener = listen_decoded::<AuthChanged, _>(move |event| set_signed_in.set(event.user.is_some()));
    keep_until_cleanup(listener);
    signed_in
}

/// The reviews MFE's root.
#[component]
pub fn App(api: Api, signed_in: bool) -> impl IntoView {
    let base = api.base_path();
    let path = follow_location();
    let signed_in = follow_auth(signed_in);
    let product = Memo::new(move |_| path.with(|p| route::product_id(&base, p)));
    view! {
        <style>{STYLE}</style>
        <div class="reviews" data-testid="reviews">
            // Keyed by the product: another product starts from a clean slate (page 1, no
            // half-written review of the previous one).
            {move || {
                product
                    .get()
                    .map(|product_id| {
                        view! { <ProductReviews api product_id signed_in /> }
                    })
            }}
        </div>
    }
}
