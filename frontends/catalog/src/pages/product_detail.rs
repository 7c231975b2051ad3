//! `/products/{id}`: one product, large.
//!
//! Its rating is the catalog's copy, which follows the reviews service by events: when the
//! reviews MFE says a review was posted (`storefront:review-posted`), the page re-reads the
//! product until the copy has caught up with that review.

use contracts::catalog::{ProductDetail, ProductRating};
use contracts::events::{PageShown, ReviewPosted};
use leptos::prelude::*;
use web_kit::events::{emit_encoded, keep_until_cleanup, listen_decoded};
use web_kit::fetch::FetchError;
use web_kit::timer::sleep;

use crate::api::Api;
use crate::components::{
    add_to_cart::AddToCartButton, error_view::ErrorView, loading::Loading, not_found::ProductNotFound,
    rating::RatingBadge,
};

/// Waits between re-reads while the catalog's copy lags a posted review (about 6 s in all);
/// the event normally arrives within the first.
const CATCH_UP_DELAYS_MS: [i32; 6] = [100, 200, 400, 800, 1600, 3200];

/// The detail page for product `id`.
#[component]
pub fn ProductDetailPage(api: Api, id: Signal<i64>) -> impl IntoView {
    let result = RwSignal::new(None::<Result<ProductDetail, FetchError>>);
    // Apart from `result` so that catching up changes the stars, not the whole page.
    let rating = RwSignal::new(ProductRating::default());
    let reload = RwSignal::new(0u32);
    Effect::new(move |_| {
        let id = id.get();
        reload.track();
        result.set(None);
        leptos::task::spawn_local(async move {
            let outcome = api.product(id).await;
            if let Ok(product) = &outcome {
                rating.try_set(product.summary.rating);
            }
            if result.try_set(Some(outcome)).is_none() {
                emit_encoded(&PageShown {
                    href: format!("{}/products/{id}", api.base_path()),
                });
            }
        });
    });
    follow_posted_reviews(api, id, rating);
    let api_base = api.api_base();
    move || match result.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(error)) if error.status() == Some(404) => view! { <ProductNotFound /> }.into_any(),
        Some(Err(error)) => {
            view! { <ErrorView error on_retry=move || reload.update(|n| *n += 1) /> }.into_any()
        }
        Some(Ok(product)) => detail(product, rating, &api_base).into_any(),
    }
}

/// On `storefront:review-posted` for this product, re-reads it (backing off) until its
/// rating reaches the posted revision, and shows the new rating in place. Stops when the
/// page is gone.
fn follow_posted_reviews(api: Api, id: Signal<i64>, rating: RwSignal<ProductRating>) {
    let listener = listen_decoded(move |posted: ReviewPosted| {
        if posted.product_id != id.get_untracked() {
            return;
        }
        leptos::task::spawn_local(async move {
            for delay in CATCH_UP_DELAYS_MS {
                let Some(known) = rating.try_get_untracked() else {
                    return; // unmounted
                };
                if known.revision >= posted.rating_revision {
                    return;
                }
                if let Ok(product) = api.product(posted.product_id).await {
                    rating.try_set(product.summary.rating);
                }
                sleep(delay).await;
            }
        });
    });
    keep_until_cleanup(listener);
}

fn detail(product: ProductDetail, rating: RwSignal<ProductRating>, api_base: &str) -> impl IntoView {
    let summary = product.summary;
    let category_href = format!("/category/{}", summary.category);
    view! {
        <article class="product-detail" data-testid="product-detail" data-product-id=summary.id>
            <nav class="catalog-breadcrumb" aria-label="Breadcrumb">
                <a href="/">"All products"</a>
                " / "
                <a href=category_href.clone()>{product.category_name.clone()}</a>
            </nav>
            <div class="product-detail-body">
                <img src=format!("{api_base}{}", summary.image_url) alt=summary.name.clone() width="400" height="300" />
                <div class="product-detail-info">
                    <h1>{summary.name.clone()}</h1>
                    <RatingBadge rating />
                    <p class="price product-detail-price" data-testid="price">{summary.price.display()}</p>
                    <AddToCartButton product_id=summary.id name=summary.name.clone() large=true />
                    <p class="product-detail-description">{product.description}</p>
                    <p>
                        "More in "
                        <a href=category_href>{product.category_name}</a>
                    </p>
                </div>
            </div>
        </article>
    }
}
