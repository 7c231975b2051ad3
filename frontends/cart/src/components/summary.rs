//! The cart's totals and the way on to checkout.

use contracts::cart::CartView;
use leptos::prelude::*;

/// Item count, total, and the way to checkout.
#[component]
pub fn Summary(cart: CartView) -> impl IntoView {
    let items = if cart.item_count == 1 {
        "1 item".to_string()
    } else {
        format!("{} items", cart.item_count)
    };
    view! {
        <div class="cart-summary">
            <p>
                <span data-testid="item-count">{items}</span>
                " · Total "
                <strong data-testid="cart-total">{cart.total.display()}</strong>
            </p>
            <a class="cart-checkout" href="/checkout" data-testid="checkout">"Checkout"</a>
        </div>
    }
}
