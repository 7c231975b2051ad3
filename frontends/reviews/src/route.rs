//! Which product the page is about, read from the URL (`/products/{id}` under the base path).
//!
//! Pure, so it is unit-tested natively; the app re-reads it on every `popstate`.

/// The product id of `path` (under `base`), if it is a product page.
pub fn product_id(base: &str, path: &str) -> Option<i64> {
    let path = path.strip_prefix(base).unwrap_or(path);
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    match (segments.next(), segments.next(), segments.next()) {
        (Some("products"), Some(id), None) => id.parse().ok().filter(|id: &i64| *id > 0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_product_in_the_path() {
        assert_eq!(product_id("", "/products/3"), Some(3));
        assert_eq!(product_id("", "/products/3/"), Some(3));
        assert_eq!(product_id("/shop", "/shop/products/12"), Some(12));
        assert_eq!(product_id("", "/products/0"), None);
        assert_eq!(product_id("", "/products/-4"), None);
        assert_eq!(product_id("", "/products/abc"), None);
        assert_eq!(product_id("", "/products/3/reviews"), None);
        assert_eq!(product_id("", "/products"), None);
        assert_eq!(product_id("", "/"), None);
        assert_eq!(product_id("", "/cart"), None);
    }
}
