//! The reviews section of one product: reads them (again whenever the page, the order or the
//! signed-in user changes), and lays out the rating, the way to write, and the list.

use leptos::prelude::*;
use web_kit::location::request_sign_in;

use crate::api::Api;
use crate::components::{
    error_view::error_view, review_form::ReviewForm, review_list::ReviewList, summary::summary_html,
};
use crate::state::ReviewsState;

/// Reviews of `product_id`.
#[component]
pub fn ProductReviews(api: Api, product_id: i64, signed_in: ReadSignal<bool>) -> impl IntoView {
    let state = ReviewsState::new(api, product_id, signed_in);
    Effect::new(move |_| {
        state.page.track();
        state.sort.track();
        signed_in.track();
        state.reload();
    });
    // The layout is built once and shown when there is something to show, never built again
    // on a read: the form keeps what is being typed while the list changes page or order.
    let ready = move || state.data.with(Option::is_some);
    let loading = move || state.error.with(Option::is_none) && !ready();
    view! {
        <section class="reviews-section" data-testid="reviews-section" data-product-id=product_id aria-labelledby="reviews-heading">
            <h2 id="reviews-heading">"Customer reviews"</h2>
            <p class="reviews-note" aria-busy="true" hidden=move || !loading()>"Loading reviews…"</p>
            {error_view(state)}
            <div class="reviews-grid" hidden=move || !ready()>
                <aside inner_html=move || state.data.with(|d| d.as_ref().map(|p| summary_html(&p.summary)).unwrap_or_default())></aside>
                <div class="reviews-main">
                    {compose(state)}
                    <ReviewList state />
                </div>
            </div>
        </section>
    }
}

/// The signed-in shopper's form — made again (pre-filled) when the review it edits changes:
/// after the first post, or once a read brings the review of a user who just signed in — or,
/// for a visitor, the way to sign in.
fn compose(state: ReviewsState) -> impl IntoView {
    let mine = Memo::new(move |_| {
        state.signed_in.get().then(|| {
            state
                .data
                .with(|d| d.as_ref().and_then(|p| p.mine.as_ref().map(|m| m.id.clone())))
        })
    });
    let form = move || {
        mine.get().map(|_| {
            let initial = state
                .data
                .with_untracked(|d| d.as_ref().and_then(|p| p.mine.clone()));
            view! { <ReviewForm state initial /> }
        })
    };
    view! {
        <div class="reviews-card reviews-cta" hidden=move || state.signed_in.get()>
            <p>"Bought or tried it? Tell other shoppers what you think."</p>
            <button type="button" class="reviews-button" data-testid="write-review-sign-in" on:click=|_| request_sign_in()>
                "Sign in to write a review"
            </button>
        </div>
        {form}
    }
}
