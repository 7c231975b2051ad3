//! Choosing 1 to 5 stars: a radio group of star buttons (the stars up to the chosen one light
//! up through CSS).

use contracts::reviews::{RATING_MAX, RATING_MIN};
use leptos::prelude::*;

/// The picker; `rating` is 0 until the shopper chose.
pub fn star_picker(rating: RwSignal<u8>) -> impl IntoView {
    let stars = (RATING_MIN..=RATING_MAX)
        .map(|n| {
            view! {
                <button
                    type="button"
                    role="radio"
                    name="rating"
                    class="reviews-pick"
                    aria-checked=move || (rating.get() == n).to_string()
                    aria-label=format!("{n} of {RATING_MAX} stars")
                    data-testid=format!("star-{n}")
                    on:click=move |_| rating.set(n)
                >
                    "★"
                </button>
            }
        })
        .collect_view();
    view! { <div class="reviews-picker" role="radiogroup" aria-label="Your rating">{stars}</div> }
}
