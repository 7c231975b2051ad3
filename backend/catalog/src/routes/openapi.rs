//! The catalog's OpenAPI document, served at `GET /openapi.json`.

use utoipa::OpenApi;

/// The document; paths and schemas come from the handlers' annotations and `contracts`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mercado catalog",
        description = "Products, categories, images and search. Reached through the gateway at /api/catalog."
    ),
    paths(
        super::products::products_list,
        super::products::products_get,
        super::images::products_image,
        super::categories::categories_list,
    ),
    components(schemas(
        contracts::catalog::ProductPage,
        contracts::catalog::ProductSummary,
        contracts::catalog::ProductDetail,
        contracts::catalog::ProductRating,
        contracts::catalog::Category,
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
