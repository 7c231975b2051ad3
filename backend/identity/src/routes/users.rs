//! Accounts: `POST /users` (register, which also signs in) and `GET /me`.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use contracts::identity::{RegisterRequest, SessionGrant, UserProfile};
use contracts::problem::Problem;
use kit::auth::AuthUser;
use kit::problem::Json;

use crate::domain::address::ClientAddress;
use crate::domain::credentials::NewAccount;
use crate::domain::{now_rfc3339_seconds, password};
use crate::error::IdentityError;
use crate::routes::sessions::{open, profile};
use crate::state::AppState;
use crate::store::{self, InsertUserError, UserRow};
use crate::throttle;

/// Creates an account and signs it in. Registrations are counted per client address (a
/// looser bound than sign-in failures: see docs/decisions/0013).
#[utoipa::path(
    post, path = "/users", tag = "users", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered and signed in; the refresh token is set as an HttpOnly cookie", body = SessionGrant),
        (status = 400, description = "Invalid fields; `errors` names each", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email is already registered", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many registrations from this address; `Retry-After` says when to try again", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn users_register(
    State(state): State<AppState>,
    address: ClientAddress,
    headers: HeaderMap,
    Json(request): Json<RegisterRequest>,
) -> Result<Response, IdentityError> {
    let account = NewAccount::parse(request).map_err(IdentityError::Invalid)?;
    throttle::admit_registration(&state, &account.email, &address).await?;
    if store::user_by_email(&state.db, account.email.as_str())
        .await?
        .is_some()
    {
        // Checked before hashing so a taken email costs no argon2 work; the unique index
        // below still settles a race between two registrations.
        return Err(IdentityError::EmailTaken);
    }
    let row = UserRow {
        id: uuid::Uuid::now_v7().to_string(),
        email: account.email.as_str().to_string(),
        name: account.name.as_str().to_string(),
        password_hash: password::hash(account.password).await?,
        created_at: now_rfc3339_seconds(),
    };
    store::insert_user(&state.db, &row).await.map_err(|e| match e {
        InsertUserError::EmailTaken => IdentityError::EmailTaken,
        InsertUserError::Database(e) => IdentityError::Database(e),
    })?;
    tracing::info!(user = row.id, "registered");
    let (grant, cookie) = open(&state, &headers, &row).await?;
    Ok((StatusCode::CREATED, [(header::SET_COOKIE, cookie)], Json(grant)).into_response())
}

/// The signed-in user's own profile.
#[utoipa::path(
    get, path = "/me", tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The profile", body = UserProfile),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn me_get(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<UserProfile>, IdentityError> {
    let row = store::user_by_id(&state.db, &user.id)
        .await?
        .ok_or(IdentityError::NoSession)?;
    Ok(Json(profile(&row)))
}
