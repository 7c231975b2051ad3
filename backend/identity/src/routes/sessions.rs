//! Sign-in sessions: `POST /sessions` (sign in), `POST /sessions/refresh` (rotate),
//! `DELETE /sessions/current` (sign out).

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use contracts::identity::{SessionGrant, SignInRequest, UserProfile};
use contracts::problem::Problem;
use kit::problem::Json;

use crate::domain::address::ClientAddress;
use crate::domain::credentials::Email;
use crate::domain::refresh::{self, RefreshToken};
use crate::domain::{password, unix_now};
use crate::error::IdentityError;
use crate::routes::cookie;
use crate::state::AppState;
use crate::store::{self, UserRow};
use crate::throttle;

/// Signs in with email and password. Failed attempts are counted per account and per client
/// address; over either limit the answer is 429 without the password being checked.
#[utoipa::path(
    post, path = "/sessions", tag = "sessions", request_body = SignInRequest,
    responses(
        (status = 200, description = "Signed in; the refresh token is set as an HttpOnly cookie", body = SessionGrant),
        (status = 400, description = "Malformed email or empty password", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown email or wrong password (indistinguishable)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins for this email or from this address (the same whether the account exists or not); `Retry-After` says when to try again", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn sessions_create(
    State(state): State<AppState>,
    address: ClientAddress,
    headers: HeaderMap,
    Json(request): Json<SignInRequest>,
) -> Result<Response, IdentityError> {
    let email = match Email::parse(&request.email) {
        Ok(email) if !request.password.is_empty() => email,
        parsed => {
            let mut problem = Problem::new("invalid-sign-in", "Some fields need attention", 400);
            if let Err(message) = parsed {
                problem = problem.with_field("email", message);
            }
            if request.password.is_empty() {
                problem = problem.with_field("password", "Enter your password.");
            }
            return Err(IdentityError::Invalid(problem));
        }
    };
    let attempt = throttle::admit_sign_in(&state, &email, &address).await?;
    let user = store::user_by_email(&state.db, email.as_str()).await?;
    let known = user.as_ref().map(|u| u.password_hash.clone());
    if !password::verify(request.password, known).await? {
        // The attempt stays counted: that is the failure.
        return Err(IdentityError::InvalidCredentials);
    }
    let user = user.ok_or(IdentityError::InvalidCredentials)?;
    attempt.succeeded(&state).await?;
    let (grant, cookie) = open(&state, &headers, &user).await?;
    Ok(([(header::SET_COOKIE, cookie)], Json(grant)).into_response())
}

/// Trades the refresh cookie for a new access token and a new refresh cookie.
#[utoipa::path(
    post, path = "/sessions/refresh", tag = "sessions",
    responses(
        (status = 200, description = "A new access token; the refresh cookie was rotated", body = SessionGrant),
        (status = 401, description = "No valid refresh token; reuse of an old one also ends the session everywhere", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn sessions_refresh(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match refresh_session(&state, &headers).await {
        Ok((grant, cookie)) => ([(header::SET_COOKIE, cookie)], Json(grant)).into_response(),
        Err(err) => (
            [(header::SET_COOKIE, cookie::clear(&state.settings, &headers))],
            err,
        )
            .into_response(),
    }
}

/// Signs out: revokes the session family of the refresh cookie and deletes the cookie.
#[utoipa::path(
    delete, path = "/sessions/current", tag = "sessions",
    responses((status = 204, description = "Signed out (also when there was no session)"))
)]
#[tracing::instrument(skip_all)]
pub async fn sessions_delete(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, IdentityError> {
    if let Some(secret) = cookie::read(&state.settings, &headers) {
        if let Some(row) = store::refresh_token(&state.db, &refresh::hash(&secret)).await? {
            store::revoke_family(&state.db, &row.family_id, unix_now(), "signed out").await?;
        }
    }
    let clear = cookie::clear(&state.settings, &headers);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}

async fn refresh_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(SessionGrant, axum::http::HeaderValue), IdentityError> {
    let secret = cookie::read(&state.settings, headers).ok_or(IdentityError::NoSession)?;
    let old_hash = refresh::hash(&secret);
    let row = store::refresh_token(&state.db, &old_hash)
        .await?
        .ok_or(IdentityError::NoSession)?;
    let now = unix_now();
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Err(IdentityError::NoSession);
    }
    let next = RefreshToken::generate()?;
    let expires_at = now + state.settings.refresh_ttl.as_secs() as i64;
    let rotated = row.used_at.is_none()
        && store::rotate(&state.db, &row.family_id, &old_hash, &next.hash, now, expires_at).await?;
    if !rotated {
        // An already-rotated token came back: it was copied. End the session for everyone
        // holding any token of this family, the thief and the owner alike.
        tracing::warn!(
            family = row.family_id,
            user = row.user_id,
            "refresh token reuse; session revoked"
        );
        store::revoke_family(&state.db, &row.family_id, now, "refresh token reused").await?;
        return Err(IdentityError::NoSession);
    }
    let user = store::user_by_id(&state.db, &row.user_id)
        .await?
        .ok_or(IdentityError::NoSession)?;
    let grant = grant(state, &user)?;
    let cookie = cookie::issue(&state.settings, headers, &next.secret, state.settings.refresh_ttl);
    Ok((grant, cookie))
}

/// Starts a new session family for `user`: an access token and the refresh cookie.
pub(crate) async fn open(
    state: &AppState,
    headers: &HeaderMap,
    user: &UserRow,
) -> Result<(SessionGrant, axum::http::HeaderValue), IdentityError> {
    let token = RefreshToken::generate()?;
    let now = unix_now();
    let expires_at = now + state.settings.refresh_ttl.as_secs() as i64;
    store::start_family(&state.db, &user.id, &token.hash, now, expires_at).await?;
    let grant = grant(state, user)?;
    let cookie = cookie::issue(
        &state.settings,
        headers,
        &token.secret,
        state.settings.refresh_ttl,
    );
    Ok((grant, cookie))
}

fn grant(state: &AppState, user: &UserRow) -> Result<SessionGrant, IdentityError> {
    let ttl = state.settings.access_ttl.as_secs();
    let access_token = state
        .key_ring()
        .sign(&user.id, &user.name, unix_now() as u64, ttl)?;
    Ok(SessionGrant {
        user: profile(user),
        access_token,
        expires_in: ttl,
    })
}

/// The public view of a stored user.
pub(crate) fn profile(user: &UserRow) -> UserProfile {
    UserProfile {
        id: user.id.clone(),
        name: user.name.clone(),
        email: user.email.clone(),
        member_since: user.created_at.clone(),
    }
}
