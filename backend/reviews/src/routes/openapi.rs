//! Reviews' OpenAPI document, served at `GET /openapi.json`.

use kit::openapi::BearerAuth;
use utoipa::OpenApi;

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Mercado reviews", description = "Reviews and ratings. Reached through the gateway at /api/reviews."),
    paths(
        super::reviews::reviews_list,
        super::reviews::reviews_write,
        super::votes::helpful_mark,
        super::votes::report_create,
    ),
    components(schemas(
        contracts::reviews::ReviewsPage,
        contracts::reviews::ReviewView,
        contracts::reviews::RatingSummary,
        contracts::reviews::ReviewSort,
        contracts::reviews::WriteReviewRequest,
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
