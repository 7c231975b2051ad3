//! `GET /stock/{productId}`: how many can still be bought.

use axum::extract::State;
use contracts::problem::Problem;
use kit::problem::{Json, Path};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::InventoryError;
use crate::state::AppState;
use crate::store;

/// Stock of one product.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockLevel {
    /// Product id.
    pub product_id: i64,
    /// Units that can still be ordered (on hand minus held for unpaid orders).
    pub available: i64,
}

/// Units of a product available to order.
#[utoipa::path(
    get, path = "/stock/{productId}", tag = "stock",
    params(("productId" = i64, Path, description = "Product id")),
    responses(
        (status = 200, description = "Stock level", body = StockLevel),
        (status = 404, description = "Not stocked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(product_id))]
pub async fn stock_get(
    State(state): State<AppState>,
    Path(product_id): Path<i64>,
) -> Result<Json<StockLevel>, InventoryError> {
    let available = store::available(&state.db, product_id)
        .await?
        .ok_or(InventoryError::NotStocked(product_id))?;
    Ok(Json(StockLevel {
        product_id,
        available,
    }))
}
