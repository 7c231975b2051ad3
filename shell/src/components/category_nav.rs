//! The category row under the header, from the catalog's category list.

use contracts::catalog::Category;
use leptos::prelude::*;

use crate::router::use_router;

/// One link per category; the current one is marked `aria-current="page"`.
#[component]
pub fn CategoryNav() -> impl IntoView {
    let router = use_router();
    let categories = RwSignal::new(Vec::<Category>::new());
    leptos::task::spawn_local(async move {
        match crate::api::categories().await {
            Ok(list) => categories.set(list),
            Err(error) => {
                web_sys::console::warn_1(&format!("category navigation unavailable: {error}").into())
            }
        }
    });
    view! {
        <nav class="category-nav" aria-label="Categories">
            <For each=move || categories.get() key=|c| c.slug.clone() let:category>
                {
                    let href = format!("/category/{}", category.slug);
                    let target = href.clone();
                    let current = move || (router.location.get().path == target).then_some("page");
                    view! { <a href=href aria-current=current>{category.name}</a> }
                }
            </For>
        </nav>
    }
}
