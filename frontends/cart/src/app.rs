//! The cart MFE's root: one page, `/cart`.

use leptos::prelude::*;

use crate::api::Api;
use crate::pages::cart_page::CartPage;

// Scoped to this MFE's own elements when compiled (web_kit::style).
const STYLE: &str = web_kit::scoped_css!("style.css");

/// The cart MFE's root.
#[component]
pub fn App(api: Api) -> impl IntoView {
    view! {
        <style>{STYLE}</style>
        <div class="cart-mfe" data-testid="cart">
            <CartPage api=api />
        </div>
    }
}
