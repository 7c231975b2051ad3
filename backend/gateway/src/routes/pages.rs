//! `GET /api/pages/product/{id}`: what the product page shows, from catalog, reviews and
//! inventory in one answer, the three fetched at once ([`crate::aggregate`]).
//!
//! The product is the part the page cannot be shown without: when the catalog has no such
//! product the answer is a 404 problem, and when the catalog fails or is late, the 502/503/504
//! problem the proxy would have answered. Any other part that fails or is late is `null` and
//! named in `missing`, and the answer still comes by the page's deadline. Only reviews is told
//! who the caller is (their own review, their helpful marks); the token is checked once, here.

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use http::header::{self, HeaderValue};
use tokio::time::Instant;
use tower_http::compression::CompressionLayer;

use contracts::catalog::ProductDetail;
use contracts::inventory::StockLevel;
use contracts::pages::{MissingPart, MissingReason, PagePart, ProductPageView};
use contracts::problem::Problem;
use contracts::reviews::ReviewsPage;
use contracts::services::{CATALOG, INVENTORY, REVIEWS};
use kit::auth::AuthError;
use kit::problem::{Path, ProblemResponse};

use crate::aggregate::metrics::{self, PageOutcome};
use crate::aggregate::{fetch, Origin, Part, PartError};
use crate::error::GatewayError;
use crate::state::AppState;

/// The page's name in metrics.
pub const PRODUCT_PAGE: &str = "product";

/// The product page's parts, in the order `missing` lists them.
pub const PRODUCT_PARTS: [PagePart; 4] = [
    PagePart::Product,
    PagePart::Rating,
    PagePart::Reviews,
    PagePart::Stock,
];

/// Why a product page could not be answered at all.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// The id is not a product id.
    #[error("invalid product id")]
    InvalidId(Problem),
    /// The catalog has no such product.
    #[error("there is no product {0}")]
    ProductNotFound(i64),
    /// The catalog could not give the product.
    #[error("the product could not be fetched: {0}")]
    Product(PartError),
    /// A token was sent and is not valid.
    #[error(transparent)]
    Auth(#[from] AuthError),
}

impl PageError {
    fn outcome(&self) -> PageOutcome {
        match self {
            PageError::Product(_) => PageOutcome::Failed,
            _ => PageOutcome::Refused,
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::InvalidId(problem) => ProblemResponse(problem).into_response(),
            PageError::ProductNotFound(id) => {
                kit::problem::not_found(format!("There is no product with id {id}.")).into_response()
            }
            PageError::Auth(err) => err.into_response(),
            PageError::Product(PartError::Upstream(err)) => err.into_response(),
            PageError::Product(PartError::Late) => GatewayError::Timeout(CATALOG.name.into()).into_response(),
            PageError::Product(other) => GatewayError::Unavailable {
                service: CATALOG.name.into(),
                reason: other.to_string(),
            }
            .into_response(),
        }
    }
}

/// The product page's route: `GET` (and `HEAD`), a 405 problem for anything else. Its answer
/// is compressed when the client accepts it, as the services compress theirs (the proxy passes
/// those on as they are).
pub fn product_route() -> MethodRouter<AppState> {
    get(product_page)
        .fallback(method_not_allowed)
        .layer(CompressionLayer::new())
}

/// `GET /api/pages/product/{id}`.
pub async fn product_page(
    State(state): State<AppState>,
    Path(raw_id): Path<i64>,
    request: Request,
) -> Response {
    let started = Instant::now();
    let result = assemble(&state, raw_id, request, started).await;
    let outcome = match &result {
        Ok(view) if view.missing.is_empty() => PageOutcome::Whole,
        Ok(_) => PageOutcome::Partial,
        Err(err) => err.outcome(),
    };
    metrics::record_page(PRODUCT_PAGE, outcome, started.elapsed());
    match result {
        Ok(view) => {
            let mut response = axum::Json(view).into_response();
            // A partial answer must not outlive the failure it reports.
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(err) => err.into_response(),
    }
}

/// Any other method on the page.
pub async fn method_not_allowed() -> Response {
    let problem =
        Problem::new("method-not-allowed", "Method not allowed", 405).with_detail("Pages are read with GET.");
    let mut response = ProblemResponse(problem).into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}

async fn assemble(
    state: &AppState,
    raw_id: i64,
    request: Request,
    started: Instant,
) -> Result<ProductPageView, PageError> {
    let id = kit::validate::positive_id(raw_id, "id").map_err(PageError::InvalidId)?;
    let (head, _) = request.into_parts();
    let origin = Origin::of(state, &head).await?;
    let page_by = started + state.pages.page;
    let part_by = started + state.pages.part.min(state.pages.page);
    let product = async {
        let part = Part::new(CATALOG.name, format!("/products/{id}"), page_by);
        let outcome = fetch::<ProductDetail>(state, &origin, part).await;
        metrics::record_part(
            PRODUCT_PAGE,
            PagePart::Product,
            outcome.as_ref().err().map(PartError::reason),
        );
        outcome.map_err(|err| match err {
            PartError::Status(http::StatusCode::NOT_FOUND) => PageError::ProductNotFound(id),
            other => PageError::Product(other),
        })
    };
    // These two never fail the page: their errors become `missing` entries.
    let reviews = async {
        let part = Part::new(REVIEWS.name, format!("/products/{id}/reviews"), part_by).personal();
        Ok(fetch::<ReviewsPage>(state, &origin, part).await)
    };
    let stock = async {
        let part = Part::new(INVENTORY.name, format!("/stock/{id}"), part_by);
        Ok(fetch::<StockLevel>(state, &origin, part).await)
    };
    // A failed product ends the wait for the others at once.
    let (product, reviews, stock) = tokio::try_join!(product, reviews, stock)?;
    Ok(view(product, reviews, stock))
}

/// The answer from the parts: those that failed are `None` and listed in `missing`.
fn view(
    product: ProductDetail,
    reviews: Result<ReviewsPage, PartError>,
    stock: Result<StockLevel, PartError>,
) -> ProductPageView {
    // The rating comes with the reviews, so it is missing when they are, for the same reason.
    let rating_missing = reviews.as_ref().err().map(PartError::reason);
    metrics::record_part(PRODUCT_PAGE, PagePart::Rating, rating_missing);
    let mut missing: Vec<MissingPart> = rating_missing
        .map(|reason| MissingPart {
            part: PagePart::Rating,
            reason,
        })
        .into_iter()
        .collect();
    let reviews = keep(PagePart::Reviews, reviews, &mut missing);
    let rating = reviews.as_ref().map(|page| page.summary.clone());
    let stock = keep(PagePart::Stock, stock, &mut missing);
    ProductPageView {
        product,
        rating,
        reviews,
        stock,
        missing,
    }
}

/// The part's value, or `None` with the reason recorded in `missing`, the metrics and the log.
fn keep<T>(part: PagePart, outcome: Result<T, PartError>, missing: &mut Vec<MissingPart>) -> Option<T> {
    match outcome {
        Ok(value) => {
            metrics::record_part(PRODUCT_PAGE, part, None);
            Some(value)
        }
        Err(err) => {
            let reason = err.reason();
            if reason == MissingReason::NotFound {
                // An answer, not a failure: e.g. a product inventory does not stock.
                tracing::debug!(part = part.as_str(), "page part not found");
            } else {
                tracing::warn!(part = part.as_str(), reason = reason.as_str(), error = %err, "page part missing");
            }
            metrics::record_part(PRODUCT_PAGE, part, Some(reason));
            missing.push(MissingPart { part, reason });
            None
        }
    }
}
