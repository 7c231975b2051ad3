//! Reviews and ratings: what the reviews MFE and service exchange, the limits the MFE checks
//! before asking, the `reviews.rating-changed` event the catalog keeps its copy of ratings
//! from, and the purchase check reviews asks orders for ("verified purchase").

use serde::{Deserialize, Serialize};

use crate::messaging::DomainEvent;
use crate::subjects::{NatsRequest, ORDERS_PURCHASED};

/// Fewest stars.
pub const RATING_MIN: u8 = 1;
/// Most stars.
pub const RATING_MAX: u8 = 5;
/// Longest title, in characters.
pub const TITLE_MAX_CHARS: usize = 120;
/// Shortest review text, in characters (a rating needs a few words).
pub const BODY_MIN_CHARS: usize = 10;
/// Longest review text, in characters.
pub const BODY_MAX_CHARS: usize = 4_000;
/// Reviews per page.
pub const PAGE_SIZE: u32 = 10;
/// Distinct users' reports after which a review is hidden.
pub const REPORTS_TO_HIDE: u32 = 3;

/// How a product's reviews are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReviewSort {
    /// Newest first.
    #[default]
    Newest,
    /// Most marked helpful first (newest among equals).
    Helpful,
}

impl ReviewSort {
    /// The query-string value.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewSort::Newest => "newest",
            ReviewSort::Helpful => "helpful",
        }
    }
}

/// Writing (or rewriting) one's review of a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WriteReviewRequest {
    /// Stars, [`RATING_MIN`]..=[`RATING_MAX`].
    pub rating: i64,
    /// Headline, 1..=[`TITLE_MAX_CHARS`] characters.
    pub title: String,
    /// Text, [`BODY_MIN_CHARS`]..=[`BODY_MAX_CHARS`] characters; shown as text, never as HTML.
    pub body: String,
}

/// One review as shoppers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewView {
    /// Review id.
    pub id: String,
    /// The product reviewed.
    pub product_id: i64,
    /// The author's display name.
    pub author: String,
    /// Stars.
    pub rating: u8,
    /// Headline.
    pub title: String,
    /// Text.
    pub body: String,
    /// First written, RFC 3339.
    pub created_at: String,
    /// Last edited, RFC 3339 (`None`: never edited).
    pub edited_at: Option<String>,
    /// How many users marked it helpful.
    pub helpful: u32,
    /// The author bought the product.
    pub verified_purchase: bool,
    /// The caller wrote it.
    pub mine: bool,
    /// The caller marked it helpful.
    pub marked_helpful: bool,
}

/// A product's rating: average and how the stars are spread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingSummary {
    /// Mean stars (0 without reviews).
    pub average: f64,
    /// Visible reviews counted.
    pub count: u32,
    /// Reviews with 1, 2, 3, 4 and 5 stars, in that order.
    pub distribution: [u32; 5],
    /// The product's rating change number (as in [`RatingChanged::revision`]; 0 = never
    /// rated): the catalog's copy has caught up once its revision is at least this.
    pub revision: u64,
}

/// One page of a product's reviews, with its rating and the caller's own review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewsPage {
    /// The product.
    pub product_id: i64,
    /// Its rating.
    pub summary: RatingSummary,
    /// This page's reviews (hidden ones never appear).
    pub reviews: Vec<ReviewView>,
    /// 1-based page number.
    pub page: u32,
    /// Pages in all (at least 1).
    pub total_pages: u32,
    /// How this page is ordered.
    pub sort: ReviewSort,
    /// The signed-in caller's own review of the product, wherever it is in the order.
    pub mine: Option<ReviewView>,
}

/// A product's rating changed (a review written, edited or hidden): the catalog's copy
/// follows it. `revision` grows with every change of this product's rating, so an older or
/// repeated event changes nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RatingChanged {
    /// The product.
    pub product_id: i64,
    /// Mean stars (0 without reviews).
    pub average: f64,
    /// Visible reviews counted.
    pub count: u32,
    /// Per-product change number, from 1.
    pub revision: u64,
}

impl DomainEvent for RatingChanged {
    const SUBJECT: &'static str = "reviews.rating-changed";
}

/// Did `user_id` buy `product_id` (an order of theirs with it was paid)?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseCheckRequest {
    /// The user.
    pub user_id: String,
    /// The product.
    pub product_id: i64,
}

/// The answer to a [`PurchaseCheckRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseCheck {
    /// True when a paid (or shipped) order of the user contains the product.
    pub purchased: bool,
}

impl NatsRequest for PurchaseCheckRequest {
    const SUBJECT: &'static str = ORDERS_PURCHASED;
    type Reply = PurchaseCheck;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names() {
        assert_eq!(RatingChanged::SUBJECT, "reviews.rating-changed");
        assert!(crate::messaging::stream_for(RatingChanged::SUBJECT).is_some());
        assert_eq!(serde_json::to_value(ReviewSort::Helpful).unwrap(), "helpful");
        let summary = RatingSummary {
            average: 4.5,
            count: 2,
            distribution: [0, 0, 0, 1, 1],
            revision: 2,
        };
        let json = serde_json::to_value(&summary).unwrap();
        assert_eq!(json["distribution"], serde_json::json!([0, 0, 0, 1, 1]));
    }
}
