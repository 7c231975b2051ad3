//! The catalog's "not found" (unknown product id or catalog path).

use leptos::prelude::*;

/// "Product not found" with a way back.
#[component]
pub fn ProductNotFound() -> impl IntoView {
    view! {
        <section class="catalog-not-found">
            <h1>"Product not found"</h1>
            <p>"This product does not exist or is no longer sold."</p>
            <a href="/">"Browse all products"</a>
        </section>
    }
}
