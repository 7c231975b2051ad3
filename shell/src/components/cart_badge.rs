//! The cart link with its item count, kept current by `storefront:cart-changed`.

use contracts::browser::listen;
use contracts::events::CartChanged;
use leptos::prelude::*;

/// "Cart" with a count badge.
#[component]
pub fn CartBadge() -> impl IntoView {
    let (count, set_count) = signal(0u32);
    let listener = listen::<CartChanged, _>(move |event| set_count.set(event.count));
    // The header lives as long as the page; keep the listener with it.
    std::mem::forget(listener);
    view! {
        <a class="cart-link" href="/cart" aria-label=move || format!("Cart, {} items", count.get())>
            "Cart"
            <span class="badge" data-testid="cart-count">{count}</span>
        </a>
    }
}
