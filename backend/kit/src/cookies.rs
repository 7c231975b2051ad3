//! HttpOnly cookies set by services (identity's refresh token, cart's anonymous cart id):
//! building them with the right attributes and reading them back.

use axum::http::{header, HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};

/// When a cookie carries the `Secure` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieSecurity {
    /// Secure unless the storefront is on localhost (browsers drop Secure cookies over plain
    /// HTTP elsewhere, and local development is plain HTTP).
    Auto,
    /// Always Secure.
    Always,
    /// Never Secure (tests over plain HTTP on a non-local name).
    Never,
}

impl std::str::FromStr for CookieSecurity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Self::Auto),
            "always" => Ok(Self::Always),
            "never" => Ok(Self::Never),
            other => Err(format!("{other:?} is not auto, always or never")),
        }
    }
}

/// How to set one cookie.
#[derive(Debug, Clone, Copy)]
pub struct CookieSpec<'a> {
    /// Cookie name.
    pub name: &'a str,
    /// The public path it is sent to (under the gateway's `/api/<service>`).
    pub path: &'a str,
    /// Secure policy.
    pub security: CookieSecurity,
    /// SameSite policy.
    pub same_site: SameSite,
}

impl CookieSpec<'_> {
    /// `Set-Cookie` with `value` kept for `max_age_secs`, HttpOnly; `request` decides `Secure`
    /// under [`CookieSecurity::Auto`].
    pub fn set(&self, request: &HeaderMap, value: &str, max_age_secs: i64) -> HeaderValue {
        let secure = match self.security {
            CookieSecurity::Always => true,
            CookieSecurity::Never => false,
            CookieSecurity::Auto => !is_local(request),
        };
        let cookie = Cookie::build((self.name, value))
            .http_only(true)
            .same_site(self.same_site)
            .secure(secure)
            .path(self.path)
            .max_age(cookie::time::Duration::seconds(max_age_secs))
            .build();
        // Built from our own ASCII parts, so always a valid header value.
        HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// `Set-Cookie` deleting the cookie.
    pub fn clear(&self, request: &HeaderMap) -> HeaderValue {
        self.set(request, "", 0)
    }

    /// The cookie's value in `request`, if set and not empty.
    pub fn read(&self, request: &HeaderMap) -> Option<String> {
        request
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|c| c.name() == self.name && !c.value().is_empty())
            .map(|c| c.value().to_string())
    }
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

    const SPEC: CookieSpec<'static> = CookieSpec {
        name: "session",
        path: "/api/x/sessions",
        security: CookieSecurity::Auto,
        same_site: SameSite::Strict,
    };

    fn host(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-host", HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn cookie_is_http_only_scoped_and_secure_off_localhost() {
        let value = SPEC.set(&host("localhost:8080"), "s3cret", 60);
        let text = value.to_str().unwrap();
        for part in [
            "session=s3cret",
            "HttpOnly",
            "SameSite=Strict",
            "Path=/api/x/sessions",
            "Max-Age=60",
        ] {
            assert!(text.contains(part), "{text} lacks {part}");
        }
        assert!(!text.contains("Secure"), "localhost is plain HTTP: {text}");
        assert!(SPEC
            .set(&host("shop.example.com"), "s", 60)
            .to_str()
            .unwrap()
            .contains("Secure"));
        assert!(SPEC
            .clear(&host("localhost"))
            .to_str()
            .unwrap()
            .contains("Max-Age=0"));
    }

    #[test]
    fn reads_its_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; session=tok; b=2"));
        assert_eq!(SPEC.read(&headers).as_deref(), Some("tok"));
        assert_eq!(SPEC.read(&HeaderMap::new()), None);
    }
}
