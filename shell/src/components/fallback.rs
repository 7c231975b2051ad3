//! What a slot shows when its micro-frontend could not be loaded or crashed while mounting.

use leptos::prelude::*;

/// A friendly message, the technical reason tucked away, and "Try again".
#[component]
pub fn Fallback(
    error: impl Fn() -> String + Send + Sync + 'static,
    on_retry: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <div class="mfe-fallback" role="alert" data-testid="mfe-fallback">
            <p class="mfe-fallback-title">"This part of the page could not be loaded."</p>
            <p>"The rest of the store still works. You can try again, or come back in a moment."</p>
            <button type="button" class="button" data-testid="mfe-retry" on:click=move |_| on_retry()>
                "Try again"
            </button>
            <details>
                <summary>"Details"</summary>
                <code>{error}</code>
            </details>
        </div>
    }
}
