//! Previous / next links with "Page n of m"; real links, so they work with the keyboard,
//! open in new tabs, and survive a reload.

use contracts::catalog::ProductSort;
use leptos::prelude::*;

use crate::route::ListView;

/// Pagination for `list`, which is on `page` of `last_page`.
#[component]
pub fn Pager(list: ListView, page: u32, last_page: u32) -> impl IntoView {
    let sort: ProductSort = list.sort;
    let href = move |p: u32| list.href("", p, sort);
    view! {
        <nav class="pager" aria-label="Pagination">
            {(page > 1).then(|| view! { <a rel="prev" href=href(page - 1)>"← Previous"</a> })}
            <span data-testid="page-status">{format!("Page {page} of {last_page}")}</span>
            {(page < last_page).then(|| view! { <a rel="next" href=href(page + 1)>"Next →"</a> })}
        </nav>
    }
}
