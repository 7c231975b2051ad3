//! `GET /categories`.

use axum::extract::State;
use contracts::catalog::Category;
use kit::problem::Json;

use crate::error::CatalogError;
use crate::state::AppState;
use crate::store;

/// Every category with its product count, for navigation.
#[utoipa::path(get, path = "/categories", tag = "categories",
    responses((status = 200, description = "All categories", body = Vec<Category>)))]
#[tracing::instrument(skip_all)]
pub async fn categories_list(State(state): State<AppState>) -> Result<Json<Vec<Category>>, CatalogError> {
    Ok(Json(store::categories(&state.db).await?))
}
