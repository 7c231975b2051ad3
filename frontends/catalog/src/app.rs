//! The catalog's top component: follows the URL and shows the matching page.

use contracts::catalog::Category;
use leptos::prelude::*;

use crate::api::Api;
use crate::pages::{product_detail::ProductDetailPage, product_list::ProductListPage};
use crate::route::{self, ListKind, ListView, Route};

const STYLE: &str = include_str!("style.css");

/// The current path and query, kept in step with the browser through `popstate`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Location {
    path: String,
    search: String,
}

fn current_location() -> Location {
    let location = web_sys::window().map(|w| w.location());
    let path = location
        .as_ref()
        .and_then(|l| l.pathname().ok())
        .unwrap_or_default();
    let search = location
        .as_ref()
        .and_then(|l| l.search().ok())
        .unwrap_or_default();
    Location { path, search }
}

/// Listens to `popstate` for as long as the mount's owner lives (dropped on unmount).
fn follow_location() -> ReadSignal<Location> {
    let (location, set_location) = signal(current_location());
    if let Some(window) = web_sys::window() {
        let listener = gloo_events::EventListener::new(&window, "popstate", move |_| {
            set_location.set(current_location())
        });
        let stored = StoredValue::new_local(Some(listener));
        on_cleanup(move || stored.update_value(|l| drop(l.take())));
    }
    location
}

/// Which page component to render; changing only when the kind of page changes, so a
/// grid stays mounted (and keeps showing products) while its page or sort changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageKind {
    List,
    Product,
    NotFound,
}

/// The catalog MFE's root.
#[component]
pub fn App(api: Api) -> impl IntoView {
    let base = api.base_path();
    let location = follow_location();
    let route = Memo::new(move |_| location.with(|l| route::parse(&base, &l.path, &l.search)));
    let categories = RwSignal::new(Vec::<Category>::new());
    leptos::task::spawn_local(async move {
        if let Ok(list) = api.categories().await {
            categories.try_set(list);
        }
    });
    let kind = Memo::new(move |_| match route.get() {
        Route::List(_) => PageKind::List,
        Route::Product(_) => PageKind::Product,
        Route::NotFound => PageKind::NotFound,
    });
    let list = Signal::derive(move || match route.get() {
        Route::List(view) => view,
        _ => ListView {
            kind: ListKind::All,
            page: 1,
            sort: Default::default(),
        },
    });
    let product = Signal::derive(move || match route.get() {
        Route::Product(id) => id,
        _ => 0,
    });
    view! {
        <div class="catalog" data-testid="catalog">
            <style>{STYLE}</style>
            {move || match kind.get() {
                PageKind::List => view! { <ProductListPage api list categories /> }.into_any(),
                PageKind::Product => view! { <ProductDetailPage api id=product /> }.into_any(),
                PageKind::NotFound => view! { <crate::components::not_found::ProductNotFound /> }.into_any(),
            }}
        </div>
    }
}
