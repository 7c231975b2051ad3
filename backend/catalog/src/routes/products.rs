//! `GET /products` and `GET /products/{id}`.

use axum::extract::State;
use contracts::catalog::{ProductDetail, ProductPage};
use contracts::problem::Problem;
use kit::problem::{Json, Path, Query};

use crate::domain::query::{ListQuery, ProductId, RawListQuery};
use crate::error::CatalogError;
use crate::state::AppState;
use crate::store;

/// Lists products: paged, filtered by category, sorted, optionally searched.
#[utoipa::path(
    get, path = "/products", params(RawListQuery), tag = "products",
    responses(
        (status = 200, description = "One page of products", body = ProductPage),
        (status = 400, description = "Invalid query; `errors` names the fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn products_list(
    State(state): State<AppState>,
    Query(raw): Query<RawListQuery>,
) -> Result<Json<ProductPage>, CatalogError> {
    let query = ListQuery::try_from(raw).map_err(CatalogError::Invalid)?;
    let (items, total) = store::list(&state.db, &query).await?;
    let last_page = total.div_ceil(u64::from(query.limit)).max(1) as u32;
    Ok(Json(ProductPage {
        items,
        page: query.page,
        limit: query.limit,
        total,
        last_page,
    }))
}

/// One product with its description.
#[utoipa::path(
    get, path = "/products/{id}", tag = "products",
    params(("id" = i64, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product", body = ProductDetail),
        (status = 400, description = "The id is not a positive whole number", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn products_get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ProductDetail>, CatalogError> {
    let ProductId(id) = ProductId::parse(&id).map_err(CatalogError::Invalid)?;
    store::product(&state.db, id)
        .await?
        .map(Json)
        .ok_or(CatalogError::ProductNotFound(id))
}
