//! `GET /shipments/{orderId}`: the parcel of one of the caller's orders, with its tracking.

use axum::extract::State;
use contracts::problem::Problem;
use contracts::shipping::ShipmentView;
use kit::auth::AuthUser;
use kit::problem::{Json, Path};

use crate::error::ShippingError;
use crate::state::AppState;
use crate::store;

/// A shipment and its tracking steps.
#[utoipa::path(
    get, path = "/shipments/{orderId}", tag = "shipments", security(("bearer" = [])),
    params(("orderId" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "The shipment", body = ShipmentView),
        (status = 404, description = "No shipment of yours for that order", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn shipments_get(
    State(state): State<AppState>,
    user: AuthUser,
    Path(order_id): Path<String>,
) -> Result<Json<ShipmentView>, ShippingError> {
    store::view(&state.db, &user.id, &order_id)
        .await?
        .map(Json)
        .ok_or(ShippingError::NotFound)
}
