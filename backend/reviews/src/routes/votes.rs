//! What shoppers do with others' reviews: `POST /reviews/{id}/helpful` and
//! `POST /reviews/{id}/reports`.

use axum::extract::State;
use axum::http::StatusCode;
use contracts::problem::Problem;
use contracts::reviews::ReviewView;
use kit::auth::AuthUser;
use kit::problem::{Json, Path};

use crate::error::ReviewsError;
use crate::events::rating;
use crate::state::AppState;
use crate::store;

/// Marks a review helpful (once per user; not one's own).
#[utoipa::path(
    post, path = "/reviews/{reviewId}/helpful", tag = "reviews", security(("bearer" = [])),
    params(("reviewId" = String, Path, description = "Review id")),
    responses(
        (status = 200, description = "The review with its new count", body = ReviewView),
        (status = 404, description = "No such review", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Your own review", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn helpful_mark(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<ReviewView>, ReviewsError> {
    let mut tx = kit::db::begin_write(&state.db).await?;
    let (_, author) = store::owner_of(&mut tx, &id)
        .await?
        .ok_or(ReviewsError::ReviewNotFound)?;
    if author == user.id {
        return Err(ReviewsError::OwnReview);
    }
    store::vote_helpful(&mut tx, &id, &user.id).await?;
    let view = store::review(&mut tx, &id, &user.id)
        .await?
        .ok_or(ReviewsError::ReviewNotFound)?;
    tx.commit().await?;
    Ok(Json(view))
}

/// Reports a review; once enough users did, it is hidden and the rating moves.
#[utoipa::path(
    post, path = "/reviews/{reviewId}/reports", tag = "reviews", security(("bearer" = [])),
    params(("reviewId" = String, Path, description = "Review id")),
    responses(
        (status = 204, description = "Reported (a repeat changes nothing)"),
        (status = 404, description = "No such review", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn report_create(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ReviewsError> {
    let mut tx = kit::db::begin_write(&state.db).await?;
    let (product_id, _) = store::owner_of(&mut tx, &id)
        .await?
        .ok_or(ReviewsError::ReviewNotFound)?;
    let now = kit::clock::now_rfc3339();
    if store::report(&mut tx, &id, &user.id, &now).await? {
        tracing::info!(review = id, "review hidden after reports");
        rating::announce(&mut tx, product_id).await?;
    }
    tx.commit().await?;
    state.relay.notify();
    Ok(StatusCode::NO_CONTENT)
}
