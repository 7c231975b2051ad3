//! Inventory's OpenAPI document, served at `GET /openapi.json`.

use utoipa::OpenApi;

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mercado inventory",
        description = "Stock levels. Reached through the gateway at /api/inventory."
    ),
    paths(super::stock::stock_get),
    components(schemas(
        super::stock::StockLevel,
        contracts::problem::Problem,
        contracts::problem::FieldError
    ))
)]
pub struct ApiDoc;

/// `GET /openapi.json`.
pub async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
