//! "Add to cart": asks the shell to put the product in the cart (`storefront:add-to-cart`).
//! The catalog never calls the cart service itself; the shell answers with the badge's new
//! count and a toast.

use contracts::events::AddToCart;
use leptos::prelude::*;
use web_kit::events::emit_encoded;

/// The button for one product (the product page's; grid cards are HTML and the grid handles
/// their buttons with [`add_to_cart`]).
#[component]
pub fn AddToCartButton(product_id: i64, name: String, #[prop(optional)] large: bool) -> impl IntoView {
    let on_click = move |event: web_sys::MouseEvent| {
        event.prevent_default();
        add_to_cart(product_id, name.clone());
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

/// Asks the shell to add one of `product_id` to the cart.
pub fn add_to_cart(product_id: i64, name: String) {
    emit_encoded(&AddToCart {
        product_id,
        quantity: 1,
        name,
    });
}
