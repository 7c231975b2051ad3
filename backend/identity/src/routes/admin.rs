//! The admin API for partner keys: `POST /admin/partner-keys` (issue; the key is in this answer
//! only), `GET /admin/partner-keys` (list; never a key), `DELETE /admin/partner-keys/{id}`
//! (revoke). Every call needs `Authorization: Bearer <ADMIN_TOKEN>`.
//!
//! Not reachable through the gateway: it needs a user's access token in the same header for
//! any `/api/identity` route that is not public, and the admin token is no access token. An
//! operator calls identity directly (`cargo xtask partner-key`, a port-forward in Kubernetes).

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use contracts::partner::{IssueKeyRequest, IssuedKey, PartnerKeyList, PartnerKeyView};
use contracts::problem::Problem;
use kit::auth::bearer_token;
use kit::problem::{Json, Path};

use crate::domain::now_rfc3339_seconds;
use crate::domain::partner_key::{NewKey, PartnerName};
use crate::error::IdentityError;
use crate::partner_keys::{self, KeyRow};
use crate::state::AppState;

/// A caller who presented the admin token.
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = IdentityError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let expected = state
            .settings
            .admin_token
            .as_ref()
            .ok_or(IdentityError::AdminDisabled)?;
        match bearer_token(parts.headers.get(header::AUTHORIZATION)) {
            Some(token) if expected.matches(token) => Ok(Admin),
            _ => {
                tracing::warn!("admin call without the admin token");
                Err(IdentityError::NotAdmin)
            }
        }
    }
}

/// Issues a key for a partner at a tier; the answer holds the key, which is never shown again.
#[utoipa::path(
    post, path = "/admin/partner-keys", tag = "admin", request_body = IssueKeyRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Issued; `key` is shown this once", body = IssuedKey),
        (status = 400, description = "Invalid partner name or tier", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or wrong admin token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin API is off (no ADMIN_TOKEN)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn partner_keys_issue(
    State(state): State<AppState>,
    _: Admin,
    Json(request): Json<IssueKeyRequest>,
) -> Result<(StatusCode, Json<IssuedKey>), IdentityError> {
    let partner = PartnerName::parse(&request.partner).map_err(IdentityError::Invalid)?;
    let key = NewKey::generate()?;
    let row = KeyRow {
        id: uuid::Uuid::now_v7().to_string(),
        partner: partner.as_str().to_string(),
        tier: request.tier,
        hint: key.hint.clone(),
        created_at: now_rfc3339_seconds(),
        revoked_at: None,
    };
    partner_keys::insert(&state.db, &row, &key.hash).await?;
    tracing::info!(key = row.id, tier = row.tier.as_str(), "partner key issued");
    let issued = IssuedKey {
        key: key.secret,
        view: row.view(),
    };
    Ok((StatusCode::CREATED, Json(issued)))
}

/// Every key, newest first, revoked ones included; never a key's secret.
#[utoipa::path(
    get, path = "/admin/partner-keys", tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The keys", body = PartnerKeyList),
        (status = 401, description = "No or wrong admin token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn partner_keys_list(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<PartnerKeyList>, IdentityError> {
    let keys = partner_keys::list(&state.db).await?;
    Ok(Json(PartnerKeyList {
        keys: keys.iter().map(KeyRow::view).collect(),
    }))
}

/// Revokes a key: gateways stop admitting it within their cache's lifetime (30 s by default).
#[utoipa::path(
    delete, path = "/admin/partner-keys/{id}", tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The key's id")),
    responses(
        (status = 200, description = "Revoked (revoking again changes nothing)", body = PartnerKeyView),
        (status = 401, description = "No or wrong admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No key has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(key = %id))]
pub async fn partner_keys_revoke(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
) -> Result<Json<PartnerKeyView>, IdentityError> {
    let row = partner_keys::revoke(&state.db, &id, &now_rfc3339_seconds())
        .await?
        .ok_or(IdentityError::NoSuchKey)?;
    tracing::info!(key = row.id, "partner key revoked");
    Ok(Json(row.view()))
}
