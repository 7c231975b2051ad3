//! Listing, paging, filtering, sorting, searching and detail.

use contracts::catalog::{Category, ProductDetail, ProductPage};

use crate::helpers::spawn_app;

#[tokio::test]
async fn pages_cover_the_whole_catalog_exactly_once() {
    let app = spawn_app().await;
    let first: ProductPage = app.get_json("/products?limit=50").await;
    assert!(first.total >= 120);
    assert_eq!(first.last_page as u64, first.total.div_ceil(50));
    let mut ids = Vec::new();
    for page in 1..=first.last_page {
        let p: ProductPage = app.get_json(&format!("/products?limit=50&page={page}")).await;
        ids.extend(p.items.iter().map(|i| i.id));
    }
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((count, ids.len() as u64), (ids.len(), first.total));
    let beyond: ProductPage = app
        .get_json(&format!("/products?limit=50&page={}", first.last_page + 1))
        .await;
    assert!(beyond.items.is_empty());
}

#[tokio::test]
async fn category_filter_and_counts_agree() {
    let app = spawn_app().await;
    let categories: Vec<Category> = app.get_json("/categories").await;
    assert!(categories.len() >= 6);
    for category in &categories {
        let page: ProductPage = app
            .get_json(&format!("/products?category={}&limit=100", category.slug))
            .await;
        assert_eq!(page.total, u64::from(category.product_count));
        assert!(page.items.iter().all(|p| p.category == category.slug));
    }
    let none: ProductPage = app.get_json("/products?category=no-such-thing").await;
    assert_eq!((none.total, none.last_page), (0, 1));
}

#[tokio::test]
async fn sorts_by_price_and_name() {
    let app = spawn_app().await;
    let asc: ProductPage = app.get_json("/products?sort=price_asc&limit=100").await;
    let prices: Vec<i64> = asc.items.iter().map(|p| p.price.cents).collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]));
    let desc: ProductPage = app.get_json("/products?sort=price_desc&limit=1").await;
    let max = asc.items.iter().map(|p| p.price.cents).max().unwrap();
    assert!(desc.items[0].price.cents >= max);
    let names: ProductPage = app.get_json("/products?sort=name_asc&limit=100").await;
    let lower: Vec<String> = names.items.iter().map(|p| p.name.to_lowercase()).collect();
    assert!(lower.windows(2).all(|w| w[0] <= w[1]));
}

#[tokio::test]
async fn search_matches_word_prefixes() {
    let app = spawn_app().await;
    let page: ProductPage = app.get_json("/products?q=kett").await;
    assert!(page.total >= 1);
    assert!(
        page.items
            .iter()
            .all(|p| p.name.to_lowercase().contains("kettle")),
        "{:?}",
        page.items
    );
    let both: ProductPage = app.get_json("/products?q=copper%20kettle").await;
    assert!(both.items.iter().all(|p| p.name == "Copper Kettle"));
    let none: ProductPage = app.get_json("/products?q=zzzqqq").await;
    assert_eq!(none.total, 0);
    let punctuation: ProductPage = app.get_json("/products?q=%22%2A%28").await;
    assert_eq!(punctuation.total, 0);
}

#[tokio::test]
async fn detail_and_image() {
    let app = spawn_app().await;
    let page: ProductPage = app.get_json("/products?limit=1").await;
    let summary = &page.items[0];
    let detail: ProductDetail = app.get_json(&format!("/products/{}", summary.id)).await;
    assert_eq!(&detail.summary, summary);
    assert!(!detail.description.is_empty() && !detail.category_name.is_empty());
    let image = app.get(&format!("/products/{}/image.svg", summary.id)).await;
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/svg+xml");
    assert!(image.text().await.unwrap().contains(&summary.name));
}

#[tokio::test]
async fn openapi_lists_the_paths() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app.get_json("/openapi.json").await;
    for path in [
        "/products",
        "/products/{id}",
        "/categories",
        "/products/{id}/image.svg",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
}
