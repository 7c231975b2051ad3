//! One product in a grid.

use contracts::catalog::ProductSummary;
use leptos::prelude::*;

use crate::components::add_to_cart::AddToCartButton;
use crate::components::rating::rating_badge;

/// Image, name, rating and price, one link to the product's page; and an add-to-cart button.
#[component]
pub fn ProductCard(product: ProductSummary, api_base: String) -> impl IntoView {
    let href = format!("/products/{}", product.id);
    view! {
        <li class="product-card" data-product-id=product.id>
            <a href=href>
                <img src=format!("{api_base}{}", product.image_url) alt=product.name.clone() loading="lazy" width="400" height="300" />
                <h2 class="product-name">{product.name.clone()}</h2>
                {rating_badge(product.rating)}
                <span class="price" data-testid="price">{product.price.display()}</span>
            </a>
            <AddToCartButton product_id=product.id name=product.name.clone() />
        </li>
    }
}
