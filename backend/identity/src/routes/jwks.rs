//! `GET /.well-known/jwks.json`: the public keys that verify access tokens.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use contracts::identity::Jwks;
use kit::problem::Json;

use crate::state::AppState;

/// The published key set (RFC 7517). Cached briefly: a rotated key appears within minutes,
/// and verifiers refetch early anyway when they meet an unknown `kid`.
#[utoipa::path(
    get, path = "/.well-known/jwks.json", tag = "keys",
    responses((status = 200, description = "Public signing keys", body = Jwks))
)]
pub async fn jwks_get(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "public, max-age=300")],
        Json(state.key_ring().jwks()),
    )
}
