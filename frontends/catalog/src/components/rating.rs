//! A product's rating as the catalog knows it: stars, the average and how many reviews.

use contracts::catalog::ProductRating;
use leptos::prelude::*;

/// A rating that follows `rating` as it changes (the product page catches up with a review
/// just posted).
#[component]
pub fn RatingBadge(rating: RwSignal<ProductRating>) -> impl IntoView {
    view! { <div class="rating-line" inner_html=move || rating_html(&rating.get())></div> }
}

/// Five stars filled to the average (CSS draws the fill from `--rating`), the average and
/// the count; "No reviews yet" for an unrated product. HTML, because grid cards are HTML
/// (see `product_card`); it holds only numbers, nothing that needs escaping.
pub fn rating_html(rating: &ProductRating) -> String {
    let ProductRating { average, count, .. } = *rating;
    if count == 0 {
        return r#"<span class="rating rating-none" data-testid="rating">No reviews yet</span>"#.into();
    }
    let shown = one_decimal(average);
    let shoppers = if count == 1 { "shopper" } else { "shoppers" };
    format!(
        concat!(
            r#"<span class="rating" data-testid="rating" data-average="{shown}" data-count="{count}">"#,
            r#"<span class="rating-stars" style="--rating: {shown}" role="img" aria-label="Rated {shown} out of 5 by {count} {shoppers}">★★★★★</span>"#,
            r#"<span class="rating-average">{shown}</span><span class="rating-count">({count})</span></span>"#,
        ),
        shown = shown,
        count = count,
        shoppers = shoppers,
    )
}

/// An average with one decimal (`4.5`), by integer arithmetic: formatting an `f64` would pull
/// `core::fmt`'s float code (several KB) into the wasm.
fn one_decimal(value: f64) -> String {
    let tenths = (value.clamp(0.0, 5.0) * 10.0).round() as u32;
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unrated_product_says_so() {
        assert!(rating_html(&ProductRating::default()).contains(">No reviews yet<"));
    }

    #[test]
    fn a_rating_shows_its_average_and_count() {
        let html = rating_html(&ProductRating {
            average: 4.25,
            count: 1,
            revision: 3,
        });
        assert!(html.contains(r#"data-average="4.3" data-count="1""#), "{html}");
        assert!(
            html.contains(r#"aria-label="Rated 4.3 out of 5 by 1 shopper""#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="rating-count">(1)</span>"#),
            "{html}"
        );
    }
}
