//! One product in a grid, written as HTML.
//!
//! A grid's cards are joined into one string and set as the grid's `innerHTML`, so the
//! browser's own parser builds them in a single call. Built node by node from Wasm, each card
//! took some forty DOM calls, every one crossing into JS with its strings: 14–23 ms of each
//! page switch (see docs/decisions/0001). Every interpolated value is escaped; cards carry no
//! listeners of their own (the grid handles their "Add to cart" buttons).

use contracts::catalog::ProductSummary;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

use crate::components::rating::rating_html;

/// Image, name, rating and price, one link to the product's page; and an add-to-cart button.
pub fn product_card_html(product: &ProductSummary, api_base: &str) -> String {
    let id = product.id;
    let name = &product.name;
    format!(
        concat!(
            r#"<li class="product-card" data-product-id="{id}"><a href="/products/{id}">"#,
            r#"<img loading="lazy" src="{src}" alt="{alt}" width="400" height="300">"#,
            r#"<h2 class="product-name">{name}</h2>{rating}"#,
            r#"<span class="price" data-testid="price">{price}</span></a>"#,
            r#"<button type="button" class="add-to-cart" data-testid="add-to-cart">Add to cart</button></li>"#,
        ),
        id = id,
        src = attr(&format!("{api_base}{}", product.image_url)),
        alt = attr(name),
        name = text(name),
        rating = rating_html(&product.rating),
        price = text(&product.price.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use contracts::catalog::{Money, ProductRating};

    fn product(name: &str) -> ProductSummary {
        ProductSummary {
            id: 7,
            name: name.into(),
            price: Money::eur(1250),
            image_url: "/catalog/images/7.svg".into(),
            category: "kitchen".into(),
            rating: ProductRating::default(),
        }
    }

    #[test]
    fn a_card_links_to_its_product_and_shows_its_price() {
        let html = product_card_html(&product("Blue mug"), "/api");
        assert!(html.starts_with(r#"<li class="product-card" data-product-id="7"><a href="/products/7">"#));
        assert!(html.contains(r#"src="/api/catalog/images/7.svg" alt="Blue mug""#));
        assert!(html.contains(r#"<h2 class="product-name">Blue mug</h2>"#));
        assert!(html.contains(r#"<span class="price" data-testid="price">€12.50</span>"#));
        assert!(html.ends_with("</button></li>"));
    }

    #[test]
    fn markup_in_a_name_is_shown_as_text() {
        let html = product_card_html(&product(r#"<img src=x onerror="alert(1)"> & co"#), "");
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=\"alert(1)\"&gt; &amp; co</h2>"),
            "{html}"
        );
        assert!(
            html.contains(r#"alt="&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; co""#),
            "{html}"
        );
    }
}
