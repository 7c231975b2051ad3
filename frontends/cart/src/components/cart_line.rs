//! One line: product, price (and what it was, if it moved), quantity, line total, remove.

use contracts::cart::{CartLine, MAX_QUANTITY};
use leptos::prelude::*;

/// A cart line with its controls.
#[component]
pub fn CartLineRow(line: CartLine, change: Callback<(i64, u32)>, remove: Callback<i64>) -> impl IntoView {
    let id = line.product_id;
    let (label_for, select_id) = (format!("quantity-{id}"), format!("quantity-{id}"));
    let on_change = move |event: web_sys::Event| {
        if let Ok(quantity) = event_target_value(&event).parse::<u32>() {
            change.run((id, quantity));
        }
    };
    view! {
        <li class="cart-line" data-testid="cart-line" data-product-id=id>
            <a class="cart-line-name" href=format!("/products/{id}")>{line.name.clone()}</a>
            <span class="cart-line-price">
                {line.unit_price.display()}
                {line.price_was.map(|was| view! { <span class="cart-price-was" data-testid="price-was">{format!(" (was {})", was.display())}</span> })}
            </span>
            <label class="cart-line-quantity" for=label_for>
                <span class="visually-hidden">"Quantity"</span>
                <select id=select_id data-testid="quantity" on:change=on_change>
                    {(1..=MAX_QUANTITY)
                        .map(|n| view! { <option value=n.to_string() selected=n == line.quantity>{n}</option> })
                        .collect_view()}
                </select>
            </label>
            <span class="cart-line-total" data-testid="line-total">{line.line_total.display()}</span>
            <button type="button" class="cart-line-remove" data-testid="remove" on:click=move |_| remove.run(id)>
                "Remove"
            </button>
        </li>
    }
}
