//! The reviews of the page read last, with the order menu and the pager.

use contracts::reviews::{ReviewSort, ReviewsPage};
use leptos::either::Either;
use leptos::prelude::*;

use crate::components::{pager::pager, review_item::ReviewItem};
use crate::state::ReviewsState;

/// The list of reviews.
#[component]
pub fn ReviewList(state: ReviewsState) -> impl IntoView {
    let on_sort = move |event| {
        let sort = match event_target_value(&event).as_str() {
            "helpful" => ReviewSort::Helpful,
            _ => ReviewSort::Newest,
        };
        state.sort.set(sort);
        state.page.set(1);
    };
    // Re-made on every read: a page holds at most ten reviews.
    let list = move || state.data.with(|d| d.as_ref().map(|p| rows(state, p)));
    view! {
        <div class="reviews-list" aria-busy=move || state.loading.get().to_string()>
            <label class="reviews-sort">
                "Sort by "
                <select data-testid="reviews-sort" prop:value=state.sort.get_untracked().as_str() on:change=on_sort>
                    <option value="newest">"Newest"</option>
                    <option value="helpful">"Most helpful"</option>
                </select>
            </label>
            {list}
        </div>
    }
}

fn rows(state: ReviewsState, page: &ReviewsPage) -> impl IntoView {
    if page.summary.count == 0 {
        return Either::Left(
            view! { <p class="reviews-note reviews-empty" data-testid="reviews-empty">"No reviews yet."</p> },
        );
    }
    let items = page
        .reviews
        .iter()
        .map(|review| view! { <ReviewItem state review=review.clone() /> })
        .collect_view();
    Either::Right(view! {
        <ul>{items}</ul>
        {pager(state.page, page.page, page.total_pages)}
    })
}
