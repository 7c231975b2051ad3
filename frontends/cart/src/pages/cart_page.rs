//! `/cart`: the lines, their quantities, and the total; every change answers with the whole
//! cart, which replaces what is shown and updates the header badge.

use contracts::cart::CartView;
use contracts::events::CartChanged;
use leptos::prelude::*;
use web_kit::events::emit_encoded;
use web_kit::fetch::FetchError;

use crate::api::Api;
use crate::components::{cart_line::CartLineRow, summary::Summary};

/// The cart page.
#[component]
pub fn CartPage(api: Api) -> impl IntoView {
    let cart = RwSignal::new(None::<CartView>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let apply = move |result: Result<CartView, FetchError>| {
        match result {
            Ok(view) => {
                emit_encoded(&CartChanged {
                    count: view.item_count,
                });
                cart.set(Some(view));
                error.set(None);
            }
            Err(error) if error.is_unmounted() => {}
            Err(failure) => error.set(Some(failure.user_message())),
        }
        busy.set(false);
    };
    leptos::task::spawn_local(async move { apply(api.cart().await) });
    let change = Callback::new(move |(product_id, quantity): (i64, u32)| {
        busy.set(true);
        leptos::task::spawn_local(async move { apply(api.set_quantity(product_id, quantity).await) });
    });
    let remove = Callback::new(move |product_id: i64| {
        busy.set(true);
        leptos::task::spawn_local(async move { apply(api.remove(product_id).await) });
    });
    view! {
        <section class="cart-page" aria-busy=move || busy.get().to_string()>
            <h1>"Your cart"</h1>
            <p class="cart-error" role="alert" data-testid="cart-error">{move || error.get()}</p>
            {move || match cart.get() {
                None => view! { <p class="cart-note">"Loading your cart…"</p> }.into_any(),
                Some(view) if view.lines.is_empty() => view! {
                    <div class="cart-empty" data-testid="cart-empty">
                        <p>"Your cart is empty."</p>
                        <a href="/">"Continue shopping"</a>
                    </div>
                }
                .into_any(),
                Some(view) => view! {
                    <ul class="cart-lines">
                        {view.lines.iter().cloned().map(|line| view! { <CartLineRow line change remove /> }).collect_view()}
                    </ul>
                    <Summary cart=view />
                }
                .into_any(),
            }}
        </section>
    }
}
