//! Identity's OpenAPI document, served at `GET /openapi.json`.

use kit::openapi::BearerAuth;
use utoipa::OpenApi;

/// The document; paths and schemas come from the handlers' annotations and `contracts`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mercado identity",
        description = "Accounts, sign-in sessions and signing keys. Reached through the gateway at /api/identity."
    ),
    paths(
        super::users::users_register,
        super::users::me_get,
        super::sessions::sessions_create,
        super::sessions::sessions_refresh,
        super::sessions::sessions_delete,
        super::jwks::jwks_get,
        super::admin::partner_keys_issue,
        super::admin::partner_keys_list,
        super::admin::partner_keys_revoke,
    ),
    components(schemas(
        contracts::identity::RegisterRequest,
        contracts::identity::SignInRequest,
        contracts::identity::SessionGrant,
        contracts::identity::UserProfile,
        contracts::identity::Jwks,
        contracts::identity::PublicJwk,
        contracts::partner::IssueKeyRequest,
        contracts::partner::IssuedKey,
        contracts::partner::PartnerKeyView,
        contracts::partner::PartnerKeyList,
        contracts::partner::Tier,
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
