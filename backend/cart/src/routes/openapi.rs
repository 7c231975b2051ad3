//! The cart's OpenAPI document, served at `GET /openapi.json`.

use utoipa::OpenApi;

/// The document; paths and schemas come from the handlers' annotations and `contracts`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mercado cart",
        description = "Carts of visitors (cookie) and users (access token). Reached through the gateway at /api/cart."
    ),
    paths(
        super::cart::cart_get,
        super::cart::items_add,
        super::cart::items_set,
        super::cart::items_remove
    ),
    components(schemas(
        contracts::cart::CartView,
        contracts::cart::CartLine,
        contracts::cart::AddItemRequest,
        contracts::cart::SetQuantityRequest,
        contracts::catalog::Money,
        contracts::catalog::Currency,
        contracts::problem::Problem,
        contracts::problem::FieldError,
    ))
)]
pub struct ApiDoc;

/// `GET /openapi.json`.
pub async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
