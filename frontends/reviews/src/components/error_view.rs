//! What the section shows when the reviews could not be read: the reason in plain words and
//! "Try again"; the rest of the page is untouched.

use leptos::prelude::*;

use crate::state::ReviewsState;

/// The error with a retry button, shown while the last read failed.
pub fn error_view(state: ReviewsState) -> impl IntoView {
    let message = move || state.error.get();
    view! {
        <div class="reviews-error" role="alert" data-testid="reviews-error" hidden=move || state.error.with(Option::is_none)>
            <p>"Reviews are not available right now. " {message}</p>
            <button type="button" class="reviews-button" on:click=move |_| state.reload()>"Try again"</button>
        </div>
    }
}
