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
            {move || {
                // Rebuilt on every navigation: six links, and only the current one changes.
                let path = router.location.with(|l| l.path.clone());
                categories.get().into_iter().map(|category| {
                    let href = format!("/category/{}", category.slug);
                    let current = (path == href).then_some("page");
                    view! { <a href=href aria-current=current>{category.name}</a> }
                }).collect_view()
            }}
        </nav>
    }
}
