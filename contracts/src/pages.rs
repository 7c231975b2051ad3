//! Pages the gateway assembles from several services in one answer (`/api/pages/…`), and how
//! such an answer says which of its parts it could not get.
//!
//! Each part keeps the type its own service answers with (one place for each fact): a client
//! that reads a part here decodes what it would have decoded from the service. A part the
//! gateway could not get in time is `null` and named in `missing`, so a page can show what it
//! has and a placeholder (or its own call) for the rest. Only the part a page cannot do
//! without (the product itself) makes the whole answer fail.

use serde::{Deserialize, Serialize};

use crate::catalog::ProductDetail;
use crate::inventory::StockLevel;
use crate::reviews::{RatingSummary, ReviewsPage};

/// `GET /api/pages/product/{id}`: what the product page shows — the product (catalog), its
/// rating and first page of reviews (reviews), and its stock (inventory) — fetched at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductPageView {
    /// The product; always present (without it the answer is a 404 or 5xx problem).
    pub product: ProductDetail,
    /// Its rating as the reviews service has it now (the product carries the catalog's
    /// eventually consistent copy). The same value as `reviews.summary`, as its own part so
    /// that a client showing only stars needs nothing of the reviews' shape.
    pub rating: Option<RatingSummary>,
    /// The first page of reviews, newest first, with the signed-in caller's own review.
    pub reviews: Option<ReviewsPage>,
    /// Units that can still be ordered.
    pub stock: Option<StockLevel>,
    /// The parts above that are `null`, and why; empty when the page is whole.
    #[serde(default)]
    pub missing: Vec<MissingPart>,
}

/// One part a page answer lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MissingPart {
    /// Which part.
    pub part: PagePart,
    /// Why it is missing.
    pub reason: MissingReason,
}

/// The parts of an assembled page (wire names `product`, `rating`, `reviews`, `stock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PagePart {
    /// The product itself.
    Product,
    /// The rating summary.
    Rating,
    /// The reviews.
    Reviews,
    /// The stock level.
    Stock,
    /// A part added after this client was built.
    #[serde(other)]
    Other,
}

impl PagePart {
    /// The wire name, also the part's metrics label.
    pub fn as_str(self) -> &'static str {
        match self {
            PagePart::Product => "product",
            PagePart::Rating => "rating",
            PagePart::Reviews => "reviews",
            PagePart::Stock => "stock",
            PagePart::Other => "other",
        }
    }
}

/// Why a part is missing (wire names in kebab-case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MissingReason {
    /// Its service did not answer within the page's deadline for it.
    Timeout,
    /// Its service could not be reached, is failing fast (circuit open), or answered 5xx.
    Unavailable,
    /// Its service has nothing for this product (e.g. inventory does not stock it).
    NotFound,
    /// Its service answered something the gateway could not read.
    Invalid,
    /// A reason added after this client was built.
    #[serde(other)]
    Other,
}

impl MissingReason {
    /// The wire name, also the outcome's metrics label.
    pub fn as_str(self) -> &'static str {
        match self {
            MissingReason::Timeout => "timeout",
            MissingReason::Unavailable => "unavailable",
            MissingReason::NotFound => "not-found",
            MissingReason::Invalid => "invalid",
            MissingReason::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Money, ProductRating, ProductSummary};

    fn product() -> ProductDetail {
        ProductDetail {
            summary: ProductSummary {
                id: 7,
                name: "Blue mug".into(),
                category: "kitchen".into(),
                price: Money::eur(1299),
                image_url: "/catalog/products/7/image.svg".into(),
                rating: ProductRating::default(),
            },
            category_name: "Kitchen".into(),
            description: "A mug.".into(),
        }
    }

    #[test]
    fn a_partial_page_names_what_it_lacks_and_round_trips() {
        let page = ProductPageView {
            product: product(),
            rating: None,
            reviews: None,
            stock: Some(StockLevel {
                product_id: 7,
                available: 3,
            }),
            missing: vec![
                MissingPart {
                    part: PagePart::Rating,
                    reason: MissingReason::Timeout,
                },
                MissingPart {
                    part: PagePart::Reviews,
                    reason: MissingReason::Timeout,
                },
            ],
        };
        let json = serde_json::to_value(&page).unwrap();
        assert_eq!(json["product"]["id"], 7);
        assert_eq!(json["product"]["categoryName"], "Kitchen");
        assert_eq!(json["rating"], serde_json::Value::Null);
        assert_eq!(json["stock"], serde_json::json!({"productId": 7, "available": 3}));
        assert_eq!(
            json["missing"],
            serde_json::json!([
                {"part": "rating", "reason": "timeout"},
                {"part": "reviews", "reason": "timeout"}
            ])
        );
        let back: ProductPageView = serde_json::from_value(json).unwrap();
        assert_eq!(back, page);
    }

    #[test]
    fn names_added_later_still_decode() {
        let missing: MissingPart = serde_json::from_str(r#"{"part":"shipping","reason":"quota"}"#).unwrap();
        assert_eq!(missing.part, PagePart::Other);
        assert_eq!(missing.reason, MissingReason::Other);
        for reason in [MissingReason::NotFound, MissingReason::Unavailable] {
            assert_eq!(serde_json::to_value(reason).unwrap(), reason.as_str());
        }
        assert_eq!(
            serde_json::to_value(PagePart::Stock).unwrap(),
            PagePart::Stock.as_str()
        );
    }
}
