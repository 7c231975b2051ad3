//! One review: stars, title, author, date, badges and text — all as text nodes, never as
//! HTML — with "Helpful (n)" and "Report".

use contracts::reviews::ReviewView;
use leptos::prelude::*;
use web_kit::fetch::FetchError;
use web_kit::location::request_sign_in;

use crate::components::stars::stars;
use crate::format::date;
use crate::state::ReviewsState;

/// What the buttons under a review show.
#[derive(Debug, Clone, Default, PartialEq)]
struct Actions {
    helpful: u32,
    marked: bool,
    reported: bool,
    message: Option<String>,
}

/// What a failed vote or report tells the shopper (`None`: nothing to say, e.g. unmounted).
fn failure(error: FetchError) -> Option<String> {
    match error.status() {
        Some(401) => {
            request_sign_in();
            None
        }
        _ if error.is_unmounted() => None,
        // 409: one's own review; the service says so in words.
        _ => Some(error.user_message()),
    }
}

/// A review in the list.
#[component]
pub fn ReviewItem(state: ReviewsState, review: ReviewView) -> impl IntoView {
    let actions = RwSignal::new(Actions {
        helpful: review.helpful,
        marked: review.marked_helpful,
        ..Actions::default()
    });
    let api = state.api;
    // One's own review: nothing to vote for or report (the service would refuse the vote).
    let mine = review.mine;
    let id = StoredValue::new(review.id.clone());
    let on_helpful = move |_| {
        if !state.signed_in.get_untracked() {
            return request_sign_in();
        }
        let id = id.get_value();
        leptos::task::spawn_local(async move {
            let outcome = api.mark_helpful(&id).await;
            actions.try_update(|a| match outcome {
                Ok(view) => (a.helpful, a.marked) = (view.helpful, view.marked_helpful),
                Err(error) => a.message = failure(error),
            });
        });
    };
    let on_report = move |_| {
        if !state.signed_in.get_untracked() {
            return request_sign_in();
        }
        let sure = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message("Report this review as inappropriate?")
                    .ok()
            })
            .unwrap_or(false);
        if !sure {
            return;
        }
        let id = id.get_value();
        leptos::task::spawn_local(async move {
            let outcome = api.report(&id).await;
            actions.try_update(|a| match outcome {
                Ok(()) => a.reported = true,
                Err(error) => a.message = failure(error),
            });
        });
    };
    let badge = |on: bool, class: &'static str, testid: &'static str, text: &'static str| {
        on.then(|| view! { <span class=class data-testid=testid>{text}</span> })
    };
    view! {
        <li class="reviews-item" data-testid="review" data-review-id=review.id.clone()>
            <div class="reviews-item-head">
                {stars(f64::from(review.rating))}
                <strong data-testid="review-title">{review.title}</strong>
            </div>
            <p class="reviews-meta">
                <span data-testid="review-author">{review.author}</span>
                " · "
                <time datetime=review.created_at.clone()>{date(&review.created_at)}</time>
                {badge(review.verified_purchase, "reviews-badge", "verified", "Verified purchase")}
                {badge(review.edited_at.is_some(), "reviews-tag", "edited", "Edited")}
                {badge(review.mine, "reviews-tag", "mine", "Your review")}
            </p>
            <p class="reviews-body" data-testid="review-body">{review.body}</p>
            <div class="reviews-actions">
                <button type="button" data-testid="helpful" aria-pressed=move || actions.with(|a| a.marked).to_string() disabled=move || mine || actions.with(|a| a.marked) on:click=on_helpful>
                    {move || format!("Helpful ({})", actions.with(|a| a.helpful))}
                </button>
                <button type="button" data-testid="report" hidden=move || mine || actions.with(|a| a.reported) on:click=on_report>"Report"</button>
                <span class="reviews-reported" data-testid="reported" hidden=move || !actions.with(|a| a.reported)>"Reported — thank you"</span>
                <span class="reviews-action-message" role="status" data-testid="review-message">{move || actions.with(|a| a.message.clone())}</span>
            </div>
        </li>
    }
}
