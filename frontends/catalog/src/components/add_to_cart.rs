//! "Add to cart": asks the shell to put the product in the cart (`storefront:add-to-cart`).
//! The catalog never calls the cart service itself; the shell answers with the badge's new
//! count and a toast.

use contracts::browser::emit;
use contracts::events::AddToCart;
use leptos::prelude::*;

/// The button for one product.
#[component]
pub fn AddToCartButton(product_id: i64, name: String, #[prop(optional)] large: bool) -> impl IntoView {
    let on_click = move |event: web_sys::MouseEvent| {
        // Inside a card the button sits next to the product link: do not follow it.
        event.prevent_default();
        event.stop_propagation();
        emit(&AddToCart {
            product_id,
            quantity: 1,
            name: name.clone(),
        });
    };
    view! {
        <button
            type="button"
            class="add-to-cart"
            class:add-to-cart-large=large
            data-testid="add-to-cart"
            on:click=on_click
        >
            "Add to cart"
        </button>
    }
}
