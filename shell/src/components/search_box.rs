//! The header search form: submitting navigates to `/search?q=…`; on a search page it shows
//! the current query.

use leptos::prelude::*;

use crate::router::{navigate, use_router};

/// Search input with a submit button.
#[component]
pub fn SearchBox() -> impl IntoView {
    let router = use_router();
    let input = NodeRef::<leptos::html::Input>::new();
    let current = move || {
        let location = router.location.get();
        if location.path == "/search" {
            location.query("q").unwrap_or_default()
        } else {
            String::new()
        }
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let text = input.get().map(|i| i.value()).unwrap_or_default();
        navigate(&format!(
            "/search?q={}",
            String::from(js_sys::encode_uri_component(text.trim()))
        ));
    };
    view! {
        <form class="search" role="search" on:submit=submit>
            <input node_ref=input type="search" name="q" placeholder="Search products" aria-label="Search products" prop:value=current />
            <button type="submit" class="search-button" aria-label="Search">"Search"</button>
        </form>
    }
}
