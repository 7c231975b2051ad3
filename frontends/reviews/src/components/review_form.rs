//! Writing one's review, or rewriting it (pre-filled): stars, title and text, checked here
//! before sending and by the service after. Once saved, the rating is read again and the
//! page hears `storefront:review-posted` with its new revision.
//!
//! The text fields are plain form fields read when the form is sent (no signal per
//! keystroke); one `input` listener on the form clears the message of the field being fixed.

use contracts::events::ReviewPosted;
use contracts::reviews::{ReviewView, WriteReviewRequest, BODY_MAX_CHARS, BODY_MIN_CHARS, TITLE_MAX_CHARS};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_kit::events::emit_encoded;
use web_kit::fetch::FetchError;
use web_kit::location::request_sign_in;

use crate::components::star_picker::star_picker;
use crate::rules;
use crate::state::ReviewsState;

/// What the form says besides its fields.
#[derive(Debug, Clone, Default, PartialEq)]
struct Status {
    /// `(field, message)`, the service's field names.
    errors: Vec<(String, String)>,
    /// A failure that is no field's fault.
    failure: Option<String>,
    /// Sending.
    busy: bool,
}

/// The message under `field`, following the form's status.
fn error_for(status: RwSignal<Status>, field: &'static str) -> impl Fn() -> Option<String> + Copy {
    move || status.with(|s| s.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone()))
}

/// A property of a DOM object as text (`value`, `name`); empty when absent.
fn text_property(target: &JsValue, property: &str) -> String {
    js_sys::Reflect::get(target, &JsValue::from_str(property))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Forgets the message of the field `target` is (typing in it, or picking a star): one
/// listener on the form serves every field.
fn clear(status: RwSignal<Status>, target: Option<web_sys::EventTarget>) {
    let name = target.map(|t| text_property(&t, "name")).unwrap_or_default();
    if !name.is_empty() && status.with_untracked(|s| s.errors.iter().any(|(f, _)| *f == name)) {
        status.update(|s| s.errors.retain(|(f, _)| *f != name));
    }
}

/// The value of the form field called `name`.
fn field(form: &web_sys::Element, name: &str) -> String {
    form.query_selector(&format!("[name={name}]"))
        .ok()
        .flatten()
        .map_or_else(String::new, |el| text_property(&el, "value"))
}

/// The form; `initial` is the shopper's review when they wrote one already.
#[component]
pub fn ReviewForm(state: ReviewsState, initial: Option<ReviewView>) -> impl IntoView {
    let editing = initial.is_some();
    let (rating, title, body) =
        initial.map_or((0, String::new(), String::new()), |r| (r.rating, r.title, r.body));
    let rating = RwSignal::new(rating);
    let status = RwSignal::new(Status::default());
    let on_submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let Some(form) = event
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let request = WriteReviewRequest {
            rating: i64::from(rating.get_untracked()),
            title: field(&form, "title"),
            body: field(&form, "body"),
        };
        let errors = rules::problems(rating.get_untracked(), &request.title, &request.body);
        if status.with_untracked(|s| s.busy) {
            return;
        }
        let ok = errors.is_empty();
        status.set(Status {
            errors: errors.into_iter().map(|(f, m)| (f.to_string(), m)).collect(),
            failure: None,
            busy: ok,
        });
        if !ok {
            return;
        }
        state.notice.set(None);
        leptos::task::spawn_local(async move {
            let outcome = state.api.write(state.product_id, &request).await;
            let mut next = Status::default();
            match outcome {
                Ok(_) => posted(state, editing).await,
                Err(FetchError::Problem(problem)) if problem.status == 400 && !problem.errors.is_empty() => {
                    next.errors = problem.errors.into_iter().map(|e| (e.field, e.message)).collect();
                }
                Err(error) if error.status() == Some(401) => request_sign_in(),
                Err(error) if error.is_unmounted() => return,
                Err(error) => next.failure = Some(error.user_message()),
            }
            status.try_set(next);
        });
    };
    view! {
        <form class="reviews-card reviews-form" data-testid="review-form" novalidate on:submit=on_submit on:input=move |ev| clear(status, ev.target()) on:click=move |ev| clear(status, ev.target())>
            <h3>{if editing { "Edit your review" } else { "Write a review" }}</h3>
            <p class="reviews-notice" role="status" data-testid="review-notice">{move || state.notice.get()}</p>
            {star_picker(rating)}
            <p class="reviews-field-error" data-testid="error-rating">{error_for(status, "rating")}</p>
            <label for="review-title">"Title " <small>{format!("(up to {TITLE_MAX_CHARS} characters)")}</small></label>
            <input id="review-title" name="title" value=title />
            <p class="reviews-field-error" data-testid="error-title">{error_for(status, "title")}</p>
            <label for="review-body">"Your review " <small>{format!("({BODY_MIN_CHARS} to {BODY_MAX_CHARS} characters)")}</small></label>
            <textarea id="review-body" name="body" rows="5">{body}</textarea>
            <p class="reviews-field-error" data-testid="error-body">{error_for(status, "body")}</p>
            <p class="reviews-field-error" role="alert" data-testid="review-failure">{move || status.with(|s| s.failure.clone())}</p>
            <button type="submit" class="reviews-button" data-testid="submit-review" disabled=move || status.with(|s| s.busy)>
                {if editing { "Update review" } else { "Post review" }}
            </button>
        </form>
    }
}

/// After a successful write: say so, read the rating again (the summary changes at once),
/// and tell the page the new revision (the catalog's copy of ratings follows by events).
async fn posted(state: ReviewsState, editing: bool) {
    let text = if editing {
        "Your review was updated."
    } else {
        "Thank you — your review is posted."
    };
    state.notice.try_set(Some(text.into()));
    if let Some(rating_revision) = state.read().await {
        emit_encoded(&ReviewPosted {
            product_id: state.product_id,
            rating_revision,
        });
    }
}
