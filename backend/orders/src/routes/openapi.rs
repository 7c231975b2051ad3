//! The orders service's OpenAPI document, served at `GET /openapi.json`.

use kit::openapi::BearerAuth;
use utoipa::OpenApi;

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Mercado orders", description = "Placing and following orders. Reached through the gateway at /api/orders."),
    paths(super::orders::orders_place, super::orders::orders_preview, super::orders::orders_list, super::orders::orders_get),
    components(schemas(
        contracts::orders::PlaceOrderRequest,
        contracts::orders::ShippingAddress,
        contracts::orders::OrderView,
        contracts::orders::OrderPreview,
        contracts::orders::OrderLine,
        contracts::orders::OrderStatus,
        contracts::orders::StatusChange,
        contracts::catalog::Money,
        contracts::catalog::Currency,
        contracts::problem::Problem,
        contracts::problem::FieldError,
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// `GET /openapi.json`.
pub async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
