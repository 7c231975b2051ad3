//! A product's rating as the catalog knows it: stars, the average and how many reviews.

use contracts::catalog::ProductRating;
use leptos::prelude::*;

/// Five stars filled to the average (CSS draws the fill from `--rating`), the average and
/// the count; "No reviews yet" for an unrated product.
#[component]
pub fn RatingBadge(#[prop(into)] rating: Signal<ProductRating>) -> impl IntoView {
    move || {
        let ProductRating { average, count, .. } = rating.get();
        if count == 0 {
            return view! { <span class="rating rating-none" data-testid="rating">"No reviews yet"</span> }
                .into_any();
        }
        let label = format!(
            "Rated {average:.1} out of 5 by {count} {}",
            if count == 1 { "shopper" } else { "shoppers" }
        );
        view! {
            <span class="rating" data-testid="rating" data-average=average data-count=count>
                <span class="rating-stars" style=format!("--rating: {average}") role="img" aria-label=label>
                    "★★★★★"
                </span>
                <span class="rating-average">{format!("{average:.1}")}</span>
                <span class="rating-count">{format!("({count})")}</span>
            </span>
        }
        .into_any()
    }
}
