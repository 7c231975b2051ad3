//! The product's rating: the average in stars and as a number, how many reviews, and how
//! the stars are spread (5★ to 1★ bars with counts).
//!
//! Written as one HTML string for the `<aside>`'s `innerHTML`, as the catalog writes its
//! cards (decision 0001): the summary is numbers only — no shopper's text, nothing to click —
//! and is replaced whole on every read, so a built-and-rebuilt Leptos view of it was only
//! download. The elements, classes, test ids and ARIA attributes are those the view had.

use contracts::reviews::RatingSummary;

use crate::format::{one_decimal, percent, reviews_count, stars_width};

/// The rating summary as HTML.
pub fn summary_html(summary: &RatingSummary) -> String {
    let RatingSummary {
        average,
        count,
        distribution,
        ..
    } = *summary;
    let shown = one_decimal(average);
    let mut html = String::with_capacity(1200);
    html.push_str(
        r#"<div class="reviews-summary" data-testid="reviews-summary"><div class="reviews-average">"#,
    );
    html.push_str(r#"<span class="reviews-stars" role="img" aria-label=""#);
    html.push_str(&shown);
    html.push_str(r#" out of 5 stars"><span class="reviews-stars-on" style="width: "#);
    html.push_str(&stars_width(average));
    html.push_str(r#";" aria-hidden="true">★★★★★</span><span aria-hidden="true">★★★★★</span></span>"#);
    html.push_str(r#"<span data-testid="reviews-average">"#);
    html.push_str(&shown);
    html.push_str(r#" out of 5</span></div><p class="reviews-count" data-testid="reviews-count">"#);
    html.push_str(&reviews_count(count));
    html.push_str(r#"</p><ul class="reviews-distribution" aria-label="Ratings by stars">"#);
    for stars in (1..=5usize).rev() {
        let n = distribution.get(stars - 1).copied().unwrap_or_default();
        let stars = char::from(b'0' + stars as u8);
        html.push_str(r#"<li data-testid="distribution-"#);
        html.push(stars);
        html.push_str(r#""><span>"#);
        html.push(stars);
        html.push_str(r#"★</span><span class="reviews-bar"><span style="width: "#);
        html.push_str(&percent(n, count).to_string());
        html.push_str(r#"%;"></span></span><span class="reviews-bar-count">"#);
        html.push_str(&n.to_string());
        html.push_str("</span></li>");
    }
    html.push_str("</ul></div>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_reads_as_the_view_did() {
        let html = summary_html(&RatingSummary {
            average: 3.5,
            count: 2,
            distribution: [0, 1, 0, 0, 1],
            revision: 4,
        });
        assert!(
            html.starts_with(r#"<div class="reviews-summary" data-testid="reviews-summary">"#),
            "{html}"
        );
        assert!(html.contains(r#"<span class="reviews-stars" role="img" aria-label="3.5 out of 5 stars"><span class="reviews-stars-on" style="width: 70%;" aria-hidden="true">★★★★★</span><span aria-hidden="true">★★★★★</span></span>"#), "{html}");
        assert!(
            html.contains(r#"<span data-testid="reviews-average">3.5 out of 5</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<p class="reviews-count" data-testid="reviews-count">2 reviews</p>"#),
            "{html}"
        );
        assert!(html.contains(r#"<li data-testid="distribution-5"><span>5★</span><span class="reviews-bar"><span style="width: 50%;"></span></span><span class="reviews-bar-count">1</span></li><li data-testid="distribution-4">"#), "{html}");
        assert!(html.contains(r#"<li data-testid="distribution-1"><span>1★</span><span class="reviews-bar"><span style="width: 0%;"></span></span><span class="reviews-bar-count">0</span></li></ul></div>"#), "{html}");
    }
}
