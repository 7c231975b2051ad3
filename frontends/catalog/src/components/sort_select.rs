//! The sort menu; choosing an order navigates (through the shell) to page 1 in that order.

use contracts::catalog::ProductSort;
use contracts::events::Navigate;
use leptos::prelude::*;
use web_kit::events::emit_encoded;

use crate::route::ListView;

/// A `<select name="sort">` reflecting and changing the list's order.
#[component]
pub fn SortSelect(list: Signal<ListView>) -> impl IntoView {
    let change = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        if let Some(sort) = ProductSort::parse(&value) {
            emit_encoded(&Navigate {
                to: list.with_untracked(|l| l.href("", 1, sort)),
            });
        }
    };
    view! {
        <label class="catalog-sort">
            "Sort by "
            <select name="sort" data-testid="sort" on:change=change prop:value=move || list.get().sort.as_str()>
                {ProductSort::ALL
                    .into_iter()
                    .map(|sort| view! { <option value=sort.as_str()>{sort.label()}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}
