//! The placeholder while the first answer is on its way.

use leptos::prelude::*;

/// "Loading products…".
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" aria-busy="true">"Loading products…"</p> }
}
