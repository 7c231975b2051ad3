//! The catalog's top component: follows the URL and shows the matching page.

use contracts::catalog::Category;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use web_kit::events::keep_until_cleanup;
use web_kit::location::{current_location, on_location_change};

use crate::api::Api;
use crate::pages::{product_detail::ProductDetailPage, product_list::ProductListPage};
use crate::route::{self, ListKind, ListView, Route};

// Scoped to this MFE's own elements when compiled (web_kit::style).
const STYLE: &str = web_kit::scoped_css!("style.css");

/// The current path and query, kept in step with the browser through `popstate`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Location {
    path: String,
    search: String,
}

impl From<(String, String)> for Location {
    fn from((path, search): (String, String)) -> Self {
        Location { path, search }
    }
}

/// Listens to `popstate` for as long as the mount's owner lives (dropped on unmount).
fn follow_location() -> ReadSignal<Location> {
    let (location, set_location) = signal(Location::from(current_location()));
    keep_until_cleanup(on_location_change(move |now| set_location.set(now.into())));
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
    // The sheet sits beside the root, not in it: its @scope root is its parent (the host),
    // and its `.catalog …` selectors need `.catalog` inside that scope.
    view! {
        <style>{STYLE}</style>
        <div class="catalog" data-testid="catalog">
            {move || match kind.get() {
                PageKind::List => EitherOf3::A(view! { <ProductListPage api list categories /> }),
                PageKind::Product => EitherOf3::B(view! { <ProductDetailPage api id=product /> }),
                PageKind::NotFound => EitherOf3::C(view! { <crate::components::not_found::ProductNotFound /> }),
            }}
        </div>
    }
}
