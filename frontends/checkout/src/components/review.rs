//! What will be bought, at today's prices.

use contracts::orders::OrderPreview;
use leptos::prelude::*;

/// The lines and the total.
#[component]
pub fn Review(preview: OrderPreview) -> impl IntoView {
    view! {
        <section class="checkout-review">
            <h2>"Your order"</h2>
            <ul>
                {preview
                    .lines
                    .into_iter()
                    .map(|line| {
                        let total = contracts::catalog::Money::eur(line.unit_price.cents * i64::from(line.quantity));
                        view! {
                            <li data-testid="review-line">
                                <span>{format!("{} × {}", line.quantity, line.name)}</span>
                                <span>{total.display()}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="checkout-total">"Total " <strong data-testid="checkout-total">{preview.total.display()}</strong></p>
        </section>
    }
}
