//! Calls to the reviews service through the shell's `authFetch`, each aborted on unmount.
//!
//! Reading is public (with a signed-in user the answer also carries their own review and
//! which reviews they marked helpful); writing, voting and reporting need a user (401
//! otherwise, after the shell's own refresh attempt).

use contracts::reviews::{ReviewSort, ReviewView, ReviewsPage, WriteReviewRequest};
use wasm_bindgen::JsValue;
use web_kit::encode::Encode;
use web_kit::fetch::{FetchError, ShellContext};
use web_kit::mount::MountedApi;

use crate::decode;

/// A mounted instance's way to the reviews API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Api {
    mounted: MountedApi,
}

impl Api {
    /// Registers a mount's context and a fresh abort controller.
    pub fn register(shell: ShellContext) -> Result<Api, JsValue> {
        MountedApi::register(shell).map(|mounted| Api { mounted })
    }

    /// Aborts in-flight requests and forgets the context (on unmount).
    pub fn release(self) {
        self.mounted.release();
    }

    /// Where the page's routes live in the URL space (`""` at the root).
    pub fn base_path(self) -> String {
        self.mounted.context().map(|c| c.base_path).unwrap_or_default()
    }

    /// One page of a product's reviews with its rating (and the caller's own review).
    pub async fn page(self, product_id: i64, page: u32, sort: ReviewSort) -> Result<ReviewsPage, FetchError> {
        let path = format!(
            "/reviews/products/{product_id}/reviews?page={page}&sort={}",
            sort.as_str()
        );
        let answer = self.mounted.get_value(&path).await?;
        decode::reviews_page(answer).map_err(FetchError::Decode)
    }

    /// Writes the caller's review of a product, or rewrites it.
    pub async fn write(
        self,
        product_id: i64,
        request: &WriteReviewRequest,
    ) -> Result<ReviewView, FetchError> {
        let path = format!("/reviews/products/{product_id}/reviews/mine");
        let answer = self
            .mounted
            .send_value("PUT", &path, Some(&request.encode()))
            .await?;
        decode::review(answer).map_err(FetchError::Decode)
    }

    /// Marks someone else's review helpful; answers the review with its new count.
    pub async fn mark_helpful(self, review_id: &str) -> Result<ReviewView, FetchError> {
        let path = format!("/reviews/reviews/{}/helpful", encode(review_id));
        let answer = self.mounted.send_value("POST", &path, None).await?;
        decode::review(answer).map_err(FetchError::Decode)
    }

    /// Reports a review as inappropriate.
    pub async fn report(self, review_id: &str) -> Result<(), FetchError> {
        let path = format!("/reviews/reviews/{}/reports", encode(review_id));
        // 204 without a body, read as `null` (anything else is not the contract's answer).
        let answer = self.mounted.send_value("POST", &path, None).await?;
        if answer.is_null() || answer.is_undefined() {
            Ok(())
        } else {
            Err(FetchError::Decode("expected no body".into()))
        }
    }
}

/// A review id as one path segment.
fn encode(segment: &str) -> String {
    js_sys::encode_uri_component(segment).into()
}
