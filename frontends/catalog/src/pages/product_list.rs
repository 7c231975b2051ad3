//! Home, category and search pages: a sortable, paged product grid. The previous page stays
//! visible while the next one loads, so switching pages does not flash; it is marked busy
//! (dimmed) only when the answer takes longer than [`BUSY_AFTER`].
//!
//! The grid depends only on the loaded answer, which carries the list it was loaded for: a new
//! URL alone must not rebuild the old grid (that cost a whole render and layout before the
//! next page's request even went out).

use std::time::Duration;

use contracts::catalog::{Category, ProductPage, ProductSummary};
use contracts::events::PageShown;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_kit::events::emit_encoded;
use web_kit::fetch::FetchError;

use crate::api::Api;
use crate::components::{
    add_to_cart::add_to_cart, error_view::ErrorView, loading::Loading, pager::Pager,
    product_card::product_card_html, sort_select::SortSelect,
};
use crate::route::{ListKind, ListView};

/// How long an answer may take before the old grid is marked busy. Marking it at once made
/// every switch restyle and repaint the whole grid (12–20 ms of software painting in headless
/// Chromium) while the answer was on its way, and the answer then waited for that frame.
const BUSY_AFTER: Duration = Duration::from_millis(100);

/// The grid page for `list`.
#[component]
pub fn ProductListPage(
    api: Api,
    list: Signal<ListView>,
    categories: RwSignal<Vec<Category>>,
) -> impl IntoView {
    let result = RwSignal::new(None::<Loaded>);
    let busy = RwSignal::new(false);
    let reload = RwSignal::new(0u32);
    let latest = StoredValue::new(0u32);
    let busy_timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let view = list.get();
        reload.track();
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        stop_timer(busy_timer);
        let timer = set_timeout_with_handle(move || _ = busy.try_set(true), BUSY_AFTER).ok();
        busy_timer.set_value(timer);
        leptos::task::spawn_local(async move {
            let outcome = api.products(&view).await;
            // Only the newest request may update the page (answers can arrive out of order).
            if latest.try_get_value() == Some(ticket) {
                stop_timer(busy_timer);
                let shown = view.href(&api.base_path(), view.page, view.sort);
                result.try_set(Some(Loaded { list: view, outcome }));
                busy.try_set(false);
                emit_encoded(&PageShown { href: shown });
            }
        });
    });
    on_cleanup(move || stop_timer(busy_timer));
    let heading = move || heading(&list.get(), &categories.get());
    let api_base = api.api_base();
    view! {
        <section class="catalog-list" aria-busy=move || busy.get().to_string()>
            <div class="catalog-toolbar">
                <h1>{heading}</h1>
                <SortSelect list />
            </div>
            {move || match result.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Loaded { outcome: Err(error), .. }) => {
                    view! { <ErrorView error on_retry=move || reload.update(|n| *n += 1) /> }.into_any()
                }
                Some(Loaded { list, outcome: Ok(page) }) => grid(page, list, api_base.clone()).into_any(),
            }}
        </section>
    }
}

/// Cancels the pending busy mark, if any (also on unmount: no timer outlives the page).
fn stop_timer(timer: StoredValue<Option<TimeoutHandle>>) {
    if let Some(handle) = timer.try_update_value(Option::take).flatten() {
        handle.clear();
    }
}

/// An answer from the catalog and the list it answers.
#[derive(Debug, Clone)]
struct Loaded {
    list: ListView,
    outcome: Result<ProductPage, FetchError>,
}

fn heading(list: &ListView, categories: &[Category]) -> String {
    match &list.kind {
        ListKind::All => "All products".into(),
        ListKind::Category(slug) => categories
            .iter()
            .find(|c| &c.slug == slug)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| slug.clone()),
        ListKind::Search(q) => format!("Results for “{q}”"),
    }
}

fn grid(page: ProductPage, list: ListView, api_base: String) -> impl IntoView {
    if page.items.is_empty() {
        let message = match &list.kind {
            ListKind::Search(q) => format!("No products match “{q}”. Try fewer or different words."),
            _ => "There are no products here yet.".to_string(),
        };
        return view! { <p class="catalog-empty" data-testid="empty">{message}</p> }.into_any();
    }
    let total = page.total;
    let cards: String = page
        .items
        .iter()
        .map(|p| product_card_html(p, &api_base))
        .collect();
    let products = page.items;
    view! {
        <p class="catalog-count">{format!("{total} products")}</p>
        <ul
            class="product-grid"
            data-testid="product-grid"
            inner_html=cards
            on:click=move |event| add_to_cart_clicked(&event, &products)
        ></ul>
        <Pager list page=page.page last_page=page.last_page />
    }
    .into_any()
}

/// One listener for every card's "Add to cart" button: finds which card the click came from.
fn add_to_cart_clicked(event: &web_sys::MouseEvent, products: &[ProductSummary]) {
    let card = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .filter(|clicked| {
            clicked
                .closest("[data-testid=add-to-cart]")
                .ok()
                .flatten()
                .is_some()
        })
        .and_then(|clicked| clicked.closest(".product-card").ok().flatten());
    let id = card
        .and_then(|c| c.get_attribute("data-product-id"))
        .and_then(|id| id.parse::<i64>().ok());
    let Some(id) = id else { return };
    if let Some(product) = products.iter().find(|p| p.id == id) {
        event.prevent_default();
        add_to_cart(product.id, product.name.clone());
    }
}
