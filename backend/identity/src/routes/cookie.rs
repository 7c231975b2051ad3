//! The refresh cookie: HttpOnly, SameSite=Strict, scoped to the session endpoints, Secure
//! unless the storefront is served from localhost.

use std::time::Duration;

use axum::http::{header, HeaderMap, HeaderValue};
use contracts::identity::REFRESH_COOKIE;
use cookie::{Cookie, SameSite};

use crate::config::{CookieSecurity, Settings};

/// `Set-Cookie` carrying `secret` for `lifetime`.
pub fn issue(settings: &Settings, request: &HeaderMap, secret: &str, lifetime: Duration) -> HeaderValue {
    build(settings, request, secret.to_string(), lifetime.as_secs() as i64)
}

/// `Set-Cookie` that deletes the refresh cookie.
pub fn clear(settings: &Settings, request: &HeaderMap) -> HeaderValue {
    build(settings, request, String::new(), 0)
}

/// The refresh token the browser sent, if any.
pub fn read(request: &HeaderMap) -> Option<String> {
    request
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == REFRESH_COOKIE && !c.value().is_empty())
        .map(|c| c.value().to_string())
}

fn build(settings: &Settings, request: &HeaderMap, value: String, max_age_secs: i64) -> HeaderValue {
    let secure = match settings.cookie_security {
        CookieSecurity::Always => true,
        CookieSecurity::Never => false,
        CookieSecurity::Auto => !is_local(request),
    };
    let cookie = Cookie::build((REFRESH_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path(settings.cookie_path())
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build();
    // A cookie built from our own ASCII parts is always a valid header value.
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Whether the browser reached us as localhost (the gateway passes the original host on).
fn is_local(request: &HeaderMap) -> bool {
    let host = request
        .get("x-forwarded-host")
        .or_else(|| request.get(header::HOST))
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    name == "localhost" || name.ends_with(".localhost") || name == "127.0.0.1" || name == "::1"
}

#[cfg(test)]
mod tests {
    use super::*;
    use kit::config::ServiceConfig;

    fn settings() -> Settings {
        Settings::with_service(ServiceConfig {
            name: "identity",
            host: "127.0.0.1".into(),
            port: 0,
            nats_url: String::new(),
            database_url: String::new(),
        })
    }

    fn host(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-host", HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn cookie_is_http_only_strict_and_scoped() {
        let value = issue(
            &settings(),
            &host("localhost:8080"),
            "s3cret",
            Duration::from_secs(60),
        );
        let text = value.to_str().unwrap();
        for part in [
            "mercado_refresh=s3cret",
            "HttpOnly",
            "SameSite=Strict",
            "Path=/api/identity/sessions",
            "Max-Age=60",
        ] {
            assert!(text.contains(part), "{text} lacks {part}");
        }
        assert!(!text.contains("Secure"), "localhost is plain HTTP: {text}");
        let public = issue(
            &settings(),
            &host("shop.example.com"),
            "s3cret",
            Duration::from_secs(60),
        );
        assert!(public.to_str().unwrap().contains("Secure"));
    }

    #[test]
    fn reads_the_refresh_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; mercado_refresh=tok; b=2"),
        );
        assert_eq!(read(&headers).as_deref(), Some("tok"));
        assert_eq!(read(&HeaderMap::new()), None);
    }
}
