//! `/products/{id}`: one product, large.

use contracts::browser::FetchError;
use contracts::catalog::ProductDetail;
use leptos::prelude::*;

use crate::api::Api;
use crate::components::{
    add_to_cart::AddToCartButton, error_view::ErrorView, loading::Loading, not_found::ProductNotFound,
};

/// The detail page for product `id`.
#[component]
pub fn ProductDetailPage(api: Api, id: Signal<i64>) -> impl IntoView {
    let result = RwSignal::new(None::<Result<ProductDetail, FetchError>>);
    let reload = RwSignal::new(0u32);
    Effect::new(move |_| {
        let id = id.get();
        reload.track();
        result.set(None);
        leptos::task::spawn_local(async move {
            let outcome = api.product(id).await;
            result.try_set(Some(outcome));
        });
    });
    let api_base = api.api_base();
    move || match result.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(error)) if error.status() == Some(404) => view! { <ProductNotFound /> }.into_any(),
        Some(Err(error)) => {
            view! { <ErrorView error on_retry=move || reload.update(|n| *n += 1) /> }.into_any()
        }
        Some(Ok(product)) => detail(product, &api_base).into_any(),
    }
}

fn detail(product: ProductDetail, api_base: &str) -> impl IntoView {
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
