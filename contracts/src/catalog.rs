//! The catalog service's HTTP DTOs (`/api/catalog/…`) and its NATS price lookup.
//!
//! The catalog MFE renders these, the catalog service produces them, and later services
//! (cart, orders) ask for current prices with [`PricesRequest`].

use serde::{Deserialize, Serialize};

use crate::subjects::{self, NatsRequest};

/// Page size used when a list request does not say `limit`.
pub const DEFAULT_PAGE_LIMIT: u32 = 24;
/// Largest page a client may ask for; larger requests are refused with 400, not clamped,
/// so a client bug shows up instead of silently getting fewer items than it asked for.
pub const MAX_PAGE_LIMIT: u32 = 100;

/// An amount of money in minor units (cents), so arithmetic stays exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Money {
    /// Minor units: 1999 means 19.99.
    pub cents: i64,
    /// ISO 4217 code; the store sells in one currency today.
    pub currency: Currency,
}

/// The currencies Mercado prices in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Currency {
    /// Euro.
    EUR,
}

impl Money {
    /// An amount in euro cents.
    pub fn eur(cents: i64) -> Self {
        Self {
            cents,
            currency: Currency::EUR,
        }
    }

    /// Human form, e.g. `€19.99`, used wherever a price is shown.
    pub fn display(&self) -> String {
        let sign = if self.cents < 0 { "-" } else { "" };
        let abs = self.cents.unsigned_abs();
        let symbol = match self.currency {
            Currency::EUR => "€",
        };
        format!("{sign}{symbol}{}.{:02}", abs / 100, abs % 100)
    }
}

/// A category of products, e.g. "Kitchen".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Category {
    /// URL-safe identifier used in `/category/{slug}` and `?category=`.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// How many products the category holds.
    pub product_count: u32,
}

/// A product as shown in a grid or search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProductSummary {
    /// Stable numeric id, used in `/products/{id}`.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Slug of the product's category.
    pub category: String,
    /// Current price.
    pub price: Money,
    /// URL of the product image, relative to the API base (e.g. `/catalog/products/7/image.svg`).
    pub image_url: String,
    /// Shoppers' rating: the catalog's copy, following `reviews.rating-changed`. Absent from
    /// a catalog older than ratings, which reads as "no reviews yet".
    #[serde(default)]
    pub rating: ProductRating,
}

/// A product's rating as the catalog last heard it from the reviews service.
///
/// Eventually consistent: a review just written shows here once its event arrived, which
/// `revision` tells (it is the reviews service's per-product change number; 0 = never rated).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProductRating {
    /// Mean stars, 0 without reviews.
    pub average: f64,
    /// Reviews counted.
    pub count: u32,
    /// The reviews service's change number this copy is at.
    pub revision: u64,
}

/// A product with everything its detail page shows: on the wire, the summary's fields and
/// these two side by side in one object.
///
/// Read through [`FlatProductDetail`] rather than `#[serde(flatten)]`: flatten buffers every
/// field in serde's generic content tree first, about 10 KB more wasm in the catalog MFE.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", from = "FlatProductDetail")]
pub struct ProductDetail {
    /// The fields a grid shows.
    #[serde(flatten)]
    pub summary: ProductSummary,
    /// Display name of the category.
    pub category_name: String,
    /// Longer description, plain text.
    pub description: String,
}

/// [`ProductDetail`]'s wire form as one flat struct, for decoding it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FlatProductDetail {
    id: i64,
    name: String,
    category: String,
    price: Money,
    image_url: String,
    #[serde(default)]
    rating: ProductRating,
    category_name: String,
    description: String,
}

impl From<FlatProductDetail> for ProductDetail {
    fn from(flat: FlatProductDetail) -> Self {
        ProductDetail {
            summary: ProductSummary {
                id: flat.id,
                name: flat.name,
                category: flat.category,
                price: flat.price,
                image_url: flat.image_url,
                rating: flat.rating,
            },
            category_name: flat.category_name,
            description: flat.description,
        }
    }
}

/// One page of products with what a pager needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProductPage {
    /// The products on this page, in the requested order.
    pub items: Vec<ProductSummary>,
    /// 1-based page number.
    pub page: u32,
    /// Page size used.
    pub limit: u32,
    /// Products matching the filter across all pages.
    pub total: u64,
    /// Number of the last page (1 when there are no results, so a pager always has a page).
    pub last_page: u32,
}

/// The orders a product list can be sorted in; the wire form is the `sort` query value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProductSort {
    /// Best text match first for searches; catalog order (by id) otherwise.
    #[default]
    Relevance,
    /// Cheapest first.
    PriceAsc,
    /// Most expensive first.
    PriceDesc,
    /// A to Z.
    NameAsc,
    /// Z to A.
    NameDesc,
    /// Best rated first (more reviews first among equals, unrated last).
    RatingDesc,
}

impl ProductSort {
    /// Every sort, in the order a sort menu lists them.
    pub const ALL: [ProductSort; 6] = [
        ProductSort::Relevance,
        ProductSort::PriceAsc,
        ProductSort::PriceDesc,
        ProductSort::NameAsc,
        ProductSort::NameDesc,
        ProductSort::RatingDesc,
    ];

    /// The `sort` query value.
    pub fn as_str(self) -> &'static str {
        match self {
            ProductSort::Relevance => "relevance",
            ProductSort::PriceAsc => "price_asc",
            ProductSort::PriceDesc => "price_desc",
            ProductSort::NameAsc => "name_asc",
            ProductSort::NameDesc => "name_desc",
            ProductSort::RatingDesc => "rating_desc",
        }
    }

    /// Parses a `sort` query value; `None` for anything unknown.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|sort| sort.as_str() == value)
    }

    /// Label for a sort menu.
    pub fn label(self) -> &'static str {
        match self {
            ProductSort::Relevance => "Featured",
            ProductSort::PriceAsc => "Price: low to high",
            ProductSort::PriceDesc => "Price: high to low",
            ProductSort::NameAsc => "Name: A to Z",
            ProductSort::NameDesc => "Name: Z to A",
            ProductSort::RatingDesc => "Best rated",
        }
    }
}

/// `catalog.prices`: the current price of each product, asked by cart and orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PricesRequest {
    /// Products to price; at most [`PricesRequest::MAX_IDS`].
    pub product_ids: Vec<i64>,
}

impl PricesRequest {
    /// Bound on one request so a caller cannot make the catalog scan everything.
    pub const MAX_IDS: usize = 500;
}

/// The answer to [`PricesRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PricesReply {
    /// One quote per known product, in no particular order.
    pub prices: Vec<PriceQuote>,
    /// Requested ids the catalog does not know.
    pub unknown: Vec<i64>,
}

/// The current price and name of one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceQuote {
    /// Product id.
    pub product_id: i64,
    /// Name, so a cart line can be shown without a second lookup.
    pub name: String,
    /// Price now.
    pub price: Money,
}

impl NatsRequest for PricesRequest {
    const SUBJECT: &'static str = subjects::CATALOG_PRICES;
    type Reply = PricesReply;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_displays_with_two_decimals() {
        assert_eq!(Money::eur(1999).display(), "€19.99");
        assert_eq!(Money::eur(5).display(), "€0.05");
        assert_eq!(Money::eur(-250).display(), "-€2.50");
    }

    #[test]
    fn sort_round_trips_through_its_query_value() {
        for sort in ProductSort::ALL {
            assert_eq!(ProductSort::parse(sort.as_str()), Some(sort));
            let json = serde_json::to_string(&sort).unwrap();
            assert_eq!(json, format!("\"{}\"", sort.as_str()));
        }
        assert_eq!(ProductSort::parse("cheapest"), None);
    }

    #[test]
    fn product_page_json_shape_is_stable() {
        let page = ProductPage {
            items: vec![ProductSummary {
                id: 7,
                name: "Kettle".into(),
                category: "kitchen".into(),
                price: Money::eur(2999),
                image_url: "/catalog/products/7/image.svg".into(),
                rating: ProductRating {
                    average: 4.5,
                    count: 2,
                    revision: 3,
                },
            }],
            page: 1,
            limit: 24,
            total: 1,
            last_page: 1,
        };
        let json = serde_json::to_value(&page).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "items": [{
                    "id": 7, "name": "Kettle", "category": "kitchen",
                    "price": {"cents": 2999, "currency": "EUR"},
                    "imageUrl": "/catalog/products/7/image.svg",
                    "rating": {"average": 4.5, "count": 2, "revision": 3}
                }],
                "page": 1, "limit": 24, "total": 1, "lastPage": 1
            })
        );
        let back: ProductPage = serde_json::from_value(json).unwrap();
        assert_eq!(back, page);
    }

    #[test]
    fn detail_flattens_the_summary() {
        let json = serde_json::json!({
            "id": 1, "name": "Mug", "category": "kitchen",
            "price": {"cents": 800, "currency": "EUR"}, "imageUrl": "/x.svg",
            "categoryName": "Kitchen", "description": "A mug."
        });
        let detail: ProductDetail = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(detail.summary.name, "Mug");
        assert_eq!(
            detail.summary.rating,
            ProductRating::default(),
            "no rating means unrated"
        );
        let mut with_rating = json;
        with_rating["rating"] = serde_json::json!({"average": 0.0, "count": 0, "revision": 0});
        assert_eq!(serde_json::to_value(&detail).unwrap(), with_rating);
    }
}
