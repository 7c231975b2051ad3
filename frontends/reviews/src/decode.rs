//! The reviews service's answers read field by field (`web_kit::decode`): the page of
//! reviews and a single review are most of what this MFE decodes, and serde's derived
//! visitors for them were several KB of its download (issue 16). Same fields and rules as
//! the derived `Deserialize` of `contracts::reviews`.

use contracts::reviews::{RatingSummary, ReviewSort, ReviewView, ReviewsPage};
use wasm_bindgen::JsValue;
use web_kit::decode::Fields;

/// A `ReviewsPage`.
pub fn reviews_page(value: JsValue) -> Result<ReviewsPage, String> {
    let page = Fields::of(value, "ReviewsPage")?;
    let sort = match page.string("sort")?.as_str() {
        "newest" => ReviewSort::Newest,
        "helpful" => ReviewSort::Helpful,
        _ => return Err("unknown sort in `sort`".into()),
    };
    Ok(ReviewsPage {
        product_id: page.i64("productId")?,
        summary: summary(page.get("summary"))?,
        reviews: page.list("reviews", review)?,
        page: page.u32("page")?,
        total_pages: page.u32("totalPages")?,
        sort,
        mine: page.optional("mine", review)?,
    })
}

/// A `RatingSummary`.
fn summary(value: JsValue) -> Result<RatingSummary, String> {
    let summary = Fields::of(value, "summary")?;
    Ok(RatingSummary {
        average: summary.f64("average")?,
        count: summary.u32("count")?,
        distribution: summary.u32_array("distribution")?,
        revision: summary.u64("revision")?,
    })
}

/// A `ReviewView`.
pub fn review(value: JsValue) -> Result<ReviewView, String> {
    let review = Fields::of(value, "ReviewView")?;
    Ok(ReviewView {
        id: review.string("id")?,
        product_id: review.i64("productId")?,
        author: review.string("author")?,
        rating: review.u8("rating")?,
        title: review.string("title")?,
        body: review.string("body")?,
        created_at: review.string("createdAt")?,
        edited_at: review.optional_string("editedAt")?,
        helpful: review.u32("helpful")?,
        verified_purchase: review.bool("verifiedPurchase")?,
        mine: review.bool("mine")?,
        marked_helpful: review.bool("markedHelpful")?,
    })
}
