//! Previous / next between pages of reviews, with "Page n of m". Buttons, not links: the
//! URL belongs to the product page, and reading more reviews is not a place to go back to.

use leptos::prelude::*;

/// The pager for `page`, which is on `current` of `last`.
pub fn pager(page: RwSignal<u32>, current: u32, last: u32) -> impl IntoView {
    (last > 1).then(|| {
        view! {
            <nav class="reviews-pager" aria-label="Review pages">
                <button type="button" disabled={current <= 1} on:click=move |_| page.set(current - 1)>
                    "← Previous"
                </button>
                <span data-testid="reviews-page">{format!("Page {current} of {last}")}</span>
                <button type="button" disabled={current >= last} on:click=move |_| page.set(current + 1)>
                    "Next →"
                </button>
            </nav>
        }
    })
}
