//! The cart link with its item count, kept current by `storefront:cart-changed`.

use contracts::events::CartChanged;
use leptos::prelude::*;
use web_kit::events::listen_decoded;

/// "Cart" with a count badge. Its accessible name is what it shows plus a word for screen
/// readers ("Cart 2 items"), so someone who says what they see ("click Cart 2") reaches it
/// (WCAG 2.5.3, label in name): an `aria-label` of other words would hide the visible text.
#[component]
pub fn CartBadge() -> impl IntoView {
    let (count, set_count) = signal(0u32);
    let listener = listen_decoded::<CartChanged, _>(move |event| set_count.set(event.count));
    // The header lives as long as the page; keep the listener with it.
    std::mem::forget(listener);
    view! {
        <a class="cart-link" href="/cart">
            "Cart "
            <span class="badge" data-testid="cart-count">{count}</span>
            <span class="visually-hidden">" items"</span>
        </a>
    }
}
