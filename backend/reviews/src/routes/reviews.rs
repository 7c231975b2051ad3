//! A product's reviews: `GET /products/{productId}/reviews` (anyone) and
//! `PUT /products/{productId}/reviews/mine` (write or rewrite one's own).

use axum::extract::State;
use axum::http::StatusCode;
use contracts::catalog::PricesRequest;
use contracts::problem::Problem;
use contracts::reviews::{
    PurchaseCheckRequest, ReviewSort, ReviewView, ReviewsPage, WriteReviewRequest, PAGE_SIZE,
};
use kit::auth::AuthUser;
use kit::problem::{Json, Path, Query};
use serde::Deserialize;

use crate::domain::rating::summarize;
use crate::domain::review::ValidReview;
use crate::error::ReviewsError;
use crate::events::rating;
use crate::state::AppState;
use crate::store::{self, Author};

/// `?page=&sort=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 1-based page (default 1).
    page: Option<u32>,
    /// `newest` (default) or `helpful`.
    sort: Option<ReviewSort>,
}

/// A page of a product's reviews with its rating and, when signed in, the caller's own.
#[utoipa::path(
    get, path = "/products/{productId}/reviews", tag = "reviews",
    params(("productId" = i64, Path, description = "Product id"), ListQuery),
    responses(
        (status = 200, description = "Reviews and rating", body = ReviewsPage),
        (status = 400, description = "Bad id, page or sort", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(product_id = raw_id))]
pub async fn reviews_list(
    State(state): State<AppState>,
    user: Option<AuthUser>,
    Path(raw_id): Path<i64>,
    Query(query): Query<ListQuery>,
) -> Result<Json<ReviewsPage>, ReviewsError> {
    let product_id = kit::validate::positive_id(raw_id, "productId").map_err(ReviewsError::Invalid)?;
    let page = query.page.unwrap_or(1);
    if page == 0 {
        return Err(ReviewsError::Invalid(
            Problem::new("invalid-page", "Invalid page", 400).with_field("page", "Pages start at 1."),
        ));
    }
    let sort = query.sort.unwrap_or_default();
    let viewer = user.as_ref().map_or("", |u| u.id.as_str());
    // One snapshot: the page and its summary agree.
    let mut read = kit::db::begin_read(&state.db).await?;
    let counts = store::star_counts(&mut read, product_id).await?;
    let summary = summarize(counts, store::revision(&mut read, product_id).await?);
    let reviews = store::page(&mut read, product_id, sort, page, viewer).await?;
    let mine = match &user {
        Some(user) => store::mine(&mut read, product_id, &user.id).await?,
        None => None,
    };
    Ok(Json(ReviewsPage {
        product_id,
        total_pages: summary.count.div_ceil(PAGE_SIZE).max(1),
        summary,
        reviews,
        page,
        sort,
        mine,
    }))
}

/// Writes the caller's review of a product, or rewrites it (one per user and product).
#[utoipa::path(
    put, path = "/products/{productId}/reviews/mine", tag = "reviews", security(("bearer" = [])),
    params(("productId" = i64, Path, description = "Product id")),
    request_body = WriteReviewRequest,
    responses(
        (status = 201, description = "Written", body = ReviewView),
        (status = 200, description = "Rewritten", body = ReviewView),
        (status = 400, description = "Stars, title or text out of bounds", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(product_id = raw_id, user = %user.id))]
pub async fn reviews_write(
    State(state): State<AppState>,
    user: AuthUser,
    Path(raw_id): Path<i64>,
    Json(request): Json<WriteReviewRequest>,
) -> Result<(StatusCode, Json<ReviewView>), ReviewsError> {
    let product_id = kit::validate::positive_id(raw_id, "productId").map_err(ReviewsError::Invalid)?;
    let review = ValidReview::parse(request).map_err(ReviewsError::Invalid)?;
    ensure_product(&state, product_id).await?;
    let author = Author {
        user_id: &user.id,
        name: &user.name,
        verified: bought(&state, &user.id, product_id).await,
    };
    let mut tx = kit::db::begin_write(&state.db).await?;
    let now = kit::clock::now_rfc3339();
    let (id, created) = store::upsert(&mut tx, product_id, &author, &review, &now).await?;
    rating::announce(&mut tx, product_id).await?;
    let view = store::review(&mut tx, &id, &user.id)
        .await?
        .ok_or(ReviewsError::ReviewNotFound)?;
    tx.commit().await?;
    state.relay.notify();
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view)))
}

/// 404 unless the catalog knows `product_id`.
async fn ensure_product(state: &AppState, product_id: i64) -> Result<(), ReviewsError> {
    let reply = kit::nats::request(
        &state.nats,
        &PricesRequest {
            product_ids: vec![product_id],
        },
    )
    .await?;
    if reply.prices.iter().any(|q| q.product_id == product_id) {
        Ok(())
    } else {
        Err(ReviewsError::ProductNotFound(product_id))
    }
}

/// Whether orders says the user bought the product; unknown (orders unreachable) counts as
/// not verified — the review is still written, and rewriting it asks again.
async fn bought(state: &AppState, user_id: &str, product_id: i64) -> bool {
    let request = PurchaseCheckRequest {
        user_id: user_id.into(),
        product_id,
    };
    match kit::nats::request(&state.nats, &request).await {
        Ok(answer) => answer.purchased,
        Err(err) => {
            tracing::warn!(error = %err, "purchase check unavailable; not marked verified");
            false
        }
    }
}
