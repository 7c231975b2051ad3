//! The refresh cookie: HttpOnly, SameSite=Strict, scoped to the session endpoints, Secure
//! unless the storefront is served from localhost.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};
use contracts::identity::REFRESH_COOKIE;
use cookie::SameSite;
use kit::cookies::CookieSpec;

use crate::config::Settings;

fn spec<'a>(settings: &Settings, path: &'a str) -> CookieSpec<'a> {
    CookieSpec {
        name: REFRESH_COOKIE,
        path,
        security: settings.cookie_security,
        same_site: SameSite::Strict,
    }
}

/// `Set-Cookie` carrying `secret` for `lifetime`.
pub fn issue(settings: &Settings, request: &HeaderMap, secret: &str, lifetime: Duration) -> HeaderValue {
    let path = settings.cookie_path();
    spec(settings, &path).set(request, secret, lifetime.as_secs() as i64)
}

/// `Set-Cookie` that deletes the refresh cookie.
pub fn clear(settings: &Settings, request: &HeaderMap) -> HeaderValue {
    let path = settings.cookie_path();
    spec(settings, &path).clear(request)
}

/// The refresh token the browser sent, if any.
pub fn read(settings: &Settings, request: &HeaderMap) -> Option<String> {
    let path = settings.cookie_path();
    spec(settings, &path).read(request)
}
