//! `GET /products` and `GET /products/{id}`.

use std::future::Future;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use contracts::catalog::{ProductDetail, ProductPage};
use contracts::problem::Problem;
use kit::problem::{Path, Query};
use serde::Serialize;

use crate::cache::{CacheKey, ResponseCache};
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
) -> Result<Response, CatalogError> {
    let query = ListQuery::try_from(raw).map_err(CatalogError::Invalid)?;
    cached(&state.cache, CacheKey::list(&query), async {
        let (items, total) = store::list(&state.db, &query).await?;
        let last_page = total.div_ceil(u64::from(query.limit)).max(1) as u32;
        Ok(ProductPage {
            items,
            page: query.page,
            limit: query.limit,
            total,
            last_page,
        })
    })
    .await
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
) -> Result<Response, CatalogError> {
    let ProductId(id) = ProductId::parse(&id).map_err(CatalogError::Invalid)?;
    cached(&state.cache, Some(CacheKey::Product(id)), async {
        store::product(&state.db, id)
            .await?
            .ok_or(CatalogError::ProductNotFound(id))
    })
    .await
}

/// The kept JSON body for `key`, or the one `build` makes, kept for next time (`None`: never
/// kept). `build` is a future, so its queries run only when awaited here, after the cache's
/// generation has been read: that order is what keeps a stale body out (see `cache`).
async fn cached<T: Serialize>(
    cache: &ResponseCache,
    key: Option<CacheKey>,
    build: impl Future<Output = Result<T, CatalogError>>,
) -> Result<Response, CatalogError> {
    if let Some(body) = key.as_ref().and_then(|key| cache.get(key)) {
        return Ok(json(body));
    }
    let read_at = cache.generation();
    let body = Bytes::from(serde_json::to_vec(&build.await?)?);
    if let Some(key) = key {
        cache.put(key, read_at, body.clone());
    }
    Ok(json(body))
}

fn json(body: Bytes) -> Response {
    ([(CONTENT_TYPE, "application/json")], body).into_response()
}
