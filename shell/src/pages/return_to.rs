//! Where to go after signing in: the `returnTo` query parameter, if it is safe.

/// A same-origin path from `returnTo`, else `/`. Rejects other origins (`//evil`, `https:`)
/// and the auth pages themselves, so a crafted link cannot bounce the shopper elsewhere.
pub fn safe_return(return_to: Option<String>) -> String {
    return_to
        .filter(|r| r.starts_with('/') && !r.starts_with("//") && !r.starts_with("/\\"))
        .filter(|r| !r.starts_with("/login") && !r.starts_with("/register"))
        .unwrap_or_else(|| "/".into())
}

/// `/login?returnTo=…` or `/register?returnTo=…` for coming back to `path`.
pub fn auth_page_href(page: &str, path: &str) -> String {
    if path == "/" || path.is_empty() {
        return page.to_string();
    }
    format!(
        "{page}?returnTo={}",
        String::from(js_sys::encode_uri_component(path))
    )
}
