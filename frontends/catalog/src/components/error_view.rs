//! What a page shows when the catalog could not answer.

use leptos::prelude::*;
use web_kit::fetch::FetchError;

/// The error in plain words, with "Try again".
#[component]
pub fn ErrorView(error: FetchError, on_retry: impl Fn() + 'static) -> impl IntoView {
    view! {
        <div class="catalog-error" role="alert" data-testid="catalog-error">
            <p>{error.user_message()}</p>
            <button type="button" on:click=move |_| on_retry()>"Try again"</button>
        </div>
    }
}
