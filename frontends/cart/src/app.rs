//! The cart MFE's root: one page, `/cart`.

use leptos::prelude::*;

use crate::api::Api;
use crate::pages::cart_page::CartPage;

const STYLE: &str = include_str!("style.css");

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
