//! A row of five stars filled to a rating (halves and tenths too), read out as "4.5 out of 5
//! stars" by screen readers.

use leptos::prelude::*;

use crate::format::{one_decimal, stars_width};

/// Five stars filled to `value` (0–5).
pub fn stars(value: f64) -> impl IntoView {
    let label = format!("{} out of 5 stars", one_decimal(value));
    view! {
        <span class="reviews-stars" role="img" aria-label=label>
            <span class="reviews-stars-on" style:width=stars_width(value) aria-hidden="true">"★★★★★"</span>
            <span aria-hidden="true">"★★★★★"</span>
        </span>
    }
}
