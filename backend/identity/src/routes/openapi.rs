//! Identity's OpenAPI document, served at `GET /openapi.json`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

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
    ),
    components(schemas(
        contracts::identity::RegisterRequest,
        contracts::identity::SignInRequest,
        contracts::identity::SessionGrant,
        contracts::identity::UserProfile,
        contracts::identity::Jwks,
        contracts::identity::PublicJwk,
        contracts::problem::Problem,
        contracts::problem::FieldError,
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("JWT")
                        .build(),
                ),
            );
        }
    }
}

/// `GET /openapi.json`.
pub async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
