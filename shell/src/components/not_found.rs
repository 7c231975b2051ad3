//! The page for a path nothing serves.

use leptos::prelude::*;

/// "Page not found" with a way home.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="shell-page" data-testid="not-found">
            <h1>"Page not found"</h1>
            <p>"We could not find that page. It may have moved, or the link may be mistyped."</p>
            <a class="button" href="/">"Back to the shop"</a>
        </section>
    }
}
