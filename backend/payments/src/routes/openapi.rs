//! Payments' OpenAPI document, served at `GET /openapi.json`.

use utoipa::OpenApi;

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mercado payments",
        description = "Provider webhooks and the sandbox pay page. Reached through the gateway at /api/payments."
    ),
    paths(
        super::webhook::webhook_receive,
        crate::sandbox::sandbox_page,
        crate::sandbox::sandbox_pay,
        crate::sandbox::sandbox_decline
    ),
    components(schemas(
        super::webhook::WebhookReceipt,
        contracts::problem::Problem,
        contracts::problem::FieldError
    ))
)]
pub struct ApiDoc;

/// `GET /openapi.json`.
pub async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
