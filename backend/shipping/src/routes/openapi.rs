//! Shipping's OpenAPI document, served at `GET /openapi.json`.

use kit::openapi::BearerAuth;
use utoipa::OpenApi;

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Mercado shipping", description = "Shipments and tracking. Reached through the gateway at /api/shipping."),
    paths(super::shipments::shipments_get),
    components(schemas(
        contracts::shipping::ShipmentView,
        contracts::shipping::TrackingEvent,
        contracts::shipping::ShipmentStatus,
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
