//! Short messages any MFE can ask for with `storefront:toast`; each disappears after a few
//! seconds or when closed (its timer is cleared then, so nothing fires later).

use std::time::Duration;

use contracts::events::{Toast, ToastLevel};
use leptos::prelude::*;
use web_kit::events::listen_decoded;

const SHOWN_FOR: Duration = Duration::from_secs(5);

#[derive(Clone, PartialEq)]
struct Shown {
    id: u64,
    level: ToastLevel,
    text: String,
    /// Closed or timed out: it keeps its place (drawn as nothing) until every toast is gone.
    closed: bool,
}

/// The toast stack.
#[component]
pub fn Toasts() -> impl IntoView {
    let toasts = RwSignal::new(Vec::<Shown>::new());
    let next = StoredValue::new(0u64);
    // The list is drawn by position, so a toast leaving from the front would shift the others
    // into its nodes and make screen readers announce them again. Closed toasts keep their
    // place instead, and the list empties once all are closed.
    let remove = move |id: u64| {
        toasts.update(|list| {
            list.iter_mut()
                .filter(|t| t.id == id)
                .for_each(|t| t.closed = true);
            if list.iter().all(|t| t.closed) {
                list.clear();
            }
        })
    };
    let listener = listen_decoded::<Toast, _>(move |toast| {
        let id = next.get_value();
        next.set_value(id + 1);
        toasts.update(|list| {
            list.push(Shown {
                id,
                level: toast.level,
                text: toast.text,
                closed: false,
            })
        });
        if let Ok(handle) = set_timeout_with_handle(move || remove(id), SHOWN_FOR) {
            on_cleanup(move || handle.clear());
        }
    });
    std::mem::forget(listener);
    view! {
        <div class="toasts" aria-live="polite">
            {move || toasts.get().into_iter().map(|toast| (!toast.closed).then(|| view! {
                <div class=format!("toast toast-{}", level_name(toast.level)) data-testid="toast">
                    <span>{toast.text.clone()}</span>
                    <button type="button" aria-label="Close" on:click=move |_| remove(toast.id)>"×"</button>
                </div>
            })).collect_view()}
        </div>
    }
}

fn level_name(level: ToastLevel) -> &'static str {
    match level {
        ToastLevel::Info => "info",
        ToastLevel::Warning => "warning",
        ToastLevel::Error => "error",
    }
}
