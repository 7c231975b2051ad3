//! The partner API's OpenAPI document, `GET /partner/v1/openapi.json`: what v1 publishes,
//! from the handlers' annotations and `contracts::partner`'s shapes, so the document cannot
//! describe a field v1 does not send. Public: a partner reads it before having a key.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use contracts::partner::API_KEY_HEADER;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The name the document gives the key scheme (spelled out again in `#[openapi(security)]`
/// below, which takes only a literal).
const KEY_SCHEME: &str = "partnerKey";

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mercado partner API",
        version = "1",
        description = "The store's catalog for partners: a stable, versioned shape. Every call sends a partner key in the x-api-key header; each key's tier sets its rate and daily quota, announced in the RateLimit-Policy and RateLimit headers. A change partners would notice is a v2, never an edit of v1."
    ),
    paths(super::routes::products_list, super::routes::products_get),
    components(schemas(
        contracts::partner::PartnerProductPage,
        contracts::partner::PartnerProduct,
        contracts::partner::PartnerProductDetail,
        contracts::partner::PartnerPrice,
        contracts::partner::PartnerRating,
        contracts::partner::PartnerPaging,
        contracts::problem::Problem,
        contracts::problem::FieldError,
    )),
    modifiers(&PartnerKey),
    security(("partnerKey" = []))
)]
pub struct PartnerApiDoc;

/// Declares the `x-api-key` header scheme every path requires.
struct PartnerKey;

impl Modify for PartnerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new(API_KEY_HEADER)));
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(KEY_SCHEME, scheme);
    }
}

/// Built once: the document does not change while the gateway runs.
static DOCUMENT: LazyLock<String> =
    LazyLock::new(|| PartnerApiDoc::openapi().to_json().unwrap_or_else(|_| "{}".into()));

/// `GET /partner/v1/openapi.json`.
pub async fn openapi_json() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.as_str())
}
