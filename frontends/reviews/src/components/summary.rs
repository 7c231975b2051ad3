//! The product's rating: the average in stars and as a number, how many reviews, and how
//! the stars are spread (5★ to 1★ bars with counts).

use contracts::reviews::RatingSummary;
use leptos::prelude::*;

use crate::components::stars::stars;
use crate::format::{one_decimal, percent, reviews_count};

/// The rating summary.
pub fn summary(summary: RatingSummary) -> impl IntoView {
    let RatingSummary {
        average,
        count,
        distribution,
        ..
    } = summary;
    let bars = (1..=5usize)
        .rev()
        .map(|stars| {
            let n = distribution.get(stars - 1).copied().unwrap_or_default();
            view! {
                <li data-testid=format!("distribution-{stars}")>
                    <span>{format!("{stars}★")}</span>
                    <span class="reviews-bar"><span style:width=format!("{}%", percent(n, count))></span></span>
                    <span class="reviews-bar-count">{n}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="reviews-summary" data-testid="reviews-summary">
            <div class="reviews-average">
                {stars(average)}
                <span data-testid="reviews-average">{format!("{} out of 5", one_decimal(average))}</span>
            </div>
            <p class="reviews-count" data-testid="reviews-count">{reviews_count(count)}</p>
            <ul class="reviews-distribution" aria-label="Ratings by stars">{bars}</ul>
        </div>
    }
}
