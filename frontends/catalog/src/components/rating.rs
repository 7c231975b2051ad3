//! A product's rating as the catalog knows it: stars, the average and how many reviews.

use contracts::catalog::ProductRating;
use leptos::prelude::*;

/// A rating that follows `rating` as it changes (the product page catches up with a review
/// just posted).
#[component]
pub fn RatingBadge(rating: RwSignal<ProductRating>) -> impl IntoView {
    move || rating_badge(rating.get())
}

/// Five stars filled to the average (CSS draws the fill from `--rating`), the average and
/// the count; "No reviews yet" for an unrated product. Drawn once: a grid's cards do not
/// change, and a reactive badge per card cost an effect (and a task) each on every page.
pub fn rating_badge(rating: ProductRating) -> AnyView {
    let ProductRating { average, count, .. } = rating;
    if count == 0 {
        return view! { <span class="rating rating-none" data-testid="rating">"No reviews yet"</span> }
            .into_any();
    }
    let shown = one_decimal(average);
    let label = format!(
        "Rated {shown} out of 5 by {count} {}",
        if count == 1 { "shopper" } else { "shoppers" }
    );
    view! {
        <span class="rating" data-testid="rating" data-average=shown.clone() data-count=count>
            <span class="rating-stars" style=format!("--rating: {shown}") role="img" aria-label=label>
                "★★★★★"
            </span>
            <span class="rating-average">{shown.clone()}</span>
            <span class="rating-count">{format!("({count})")}</span>
        </span>
    }
    .into_any()
}

/// An average with one decimal (`4.5`), by integer arithmetic: formatting an `f64` would pull
/// `core::fmt`'s float code (several KB) into the wasm.
fn one_decimal(value: f64) -> String {
    let tenths = (value.clamp(0.0, 5.0) * 10.0).round() as u32;
    format!("{}.{}", tenths / 10, tenths % 10)
}
