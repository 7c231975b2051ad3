//! The catalog's routes, parsed from the URL and turned back into links and API paths.
//!
//! Pure functions (no browser), so they are unit-tested natively. The URL is the whole page
//! state: list kind, page and sort live in it, and every link is built here.

use contracts::catalog::{ProductSort, DEFAULT_PAGE_LIMIT};

/// What the catalog shows for a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// A product grid.
    List(ListView),
    /// One product's page.
    Product(i64),
    /// A path under the catalog that means nothing.
    NotFound,
}

/// Which products a grid lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListKind {
    /// Everything (`/`).
    All,
    /// One category (`/category/{slug}`).
    Category(String),
    /// Search results (`/search?q=`).
    Search(String),
}

/// A grid page: which products, which page, in which order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListView {
    /// The selection.
    pub kind: ListKind,
    /// 1-based page.
    pub page: u32,
    /// Order.
    pub sort: ProductSort,
}

/// Parses `path` (under `base`) and `search` (`?a=b…`, may be empty).
pub fn parse(base: &str, path: &str, search: &str) -> Route {
    let path = path.strip_prefix(base).unwrap_or(path);
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let param = |key: &str| query_param(search, key);
    let page = param("page")
        .and_then(|p| p.parse().ok())
        .filter(|p: &u32| *p >= 1)
        .unwrap_or(1);
    let sort = param("sort")
        .and_then(|s| ProductSort::parse(&s))
        .unwrap_or_default();
    let list = |kind| Route::List(ListView { kind, page, sort });
    match segments.as_slice() {
        [] => list(ListKind::All),
        ["category", slug] => list(ListKind::Category(decode(slug))),
        ["search"] => list(ListKind::Search(param("q").unwrap_or_default())),
        ["products", id] => id
            .parse()
            .ok()
            .filter(|id| *id > 0)
            .map_or(Route::NotFound, Route::Product),
        _ => Route::NotFound,
    }
}

impl ListView {
    /// The link to this list at `page` with `sort` (other state kept).
    pub fn href(&self, base: &str, page: u32, sort: ProductSort) -> String {
        let (path, mut query) = match &self.kind {
            ListKind::All => ("/".to_string(), Vec::new()),
            ListKind::Category(slug) => (format!("/category/{}", encode(slug)), Vec::new()),
            ListKind::Search(q) => ("/search".to_string(), vec![format!("q={}", encode(q))]),
        };
        if sort != ProductSort::default() {
            query.push(format!("sort={}", sort.as_str()));
        }
        if page > 1 {
            query.push(format!("page={page}"));
        }
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{}", query.join("&"))
        };
        format!("{base}{path}{query}")
    }

    /// The catalog API path for this list (relative to the API base).
    pub fn api_path(&self) -> String {
        let mut query = format!(
            "page={}&limit={DEFAULT_PAGE_LIMIT}&sort={}",
            self.page,
            self.sort.as_str()
        );
        match &self.kind {
            ListKind::All => {}
            ListKind::Category(slug) => query.push_str(&format!("&category={}", encode(slug))),
            ListKind::Search(q) => query.push_str(&format!("&q={}", encode(q))),
        }
        format!("/catalog/products?{query}")
    }
}

/// A decoded query parameter from `?a=b&c=d` (`+` means space).
pub fn query_param(search: &str, key: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| decode(k) == key)
        .map(|(_, v)| decode(v))
}

/// Percent-decodes a URL component (invalid escapes are kept as they are).
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| Some(hex(bytes[i + 1])? * 16 + hex(bytes[i + 2])?))
            .flatten();
        match (bytes[i], escaped) {
            (_, Some(byte)) => {
                out.push(byte);
                i += 2;
            }
            (b'+', None) => out.push(b' '),
            (byte, None) => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

/// Percent-encodes everything but unreserved characters.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_route() {
        let list = |kind, page, sort| Route::List(ListView { kind, page, sort });
        assert_eq!(parse("", "/", ""), list(ListKind::All, 1, ProductSort::Relevance));
        assert_eq!(
            parse("", "/", "?page=3&sort=price_asc"),
            list(ListKind::All, 3, ProductSort::PriceAsc)
        );
        assert_eq!(
            parse("", "/category/kitchen", "?page=0"),
            list(ListKind::Category("kitchen".into()), 1, ProductSort::Relevance)
        );
        assert_eq!(
            parse("", "/search", "?q=blue+mug%21"),
            list(ListKind::Search("blue mug!".into()), 1, ProductSort::Relevance)
        );
        assert_eq!(parse("", "/products/12", ""), Route::Product(12));
        assert_eq!(parse("", "/products/abc", ""), Route::NotFound);
        assert_eq!(parse("", "/products/0", ""), Route::NotFound);
        assert_eq!(parse("/shop", "/shop/products/5", ""), Route::Product(5));
        assert_eq!(parse("", "/nope/x", ""), Route::NotFound);
        assert_eq!(
            parse("", "/", "?sort=bogus").clone(),
            list(ListKind::All, 1, ProductSort::Relevance)
        );
    }

    #[test]
    fn links_keep_state_and_round_trip() {
        let view = ListView {
            kind: ListKind::Search("blue mug".into()),
            page: 2,
            sort: ProductSort::NameAsc,
        };
        let href = view.href("", 3, ProductSort::NameAsc);
        assert_eq!(href, "/search?q=blue%20mug&sort=name_asc&page=3");
        let (path, search) = href
            .split_once('?')
            .map(|(p, s)| (p, format!("?{s}")))
            .unwrap_or_default();
        assert_eq!(
            parse("", path, &search),
            Route::List(ListView {
                page: 3,
                ..view.clone()
            })
        );
        assert_eq!(
            ListView {
                kind: ListKind::All,
                page: 1,
                sort: ProductSort::Relevance
            }
            .href("", 1, ProductSort::Relevance),
            "/"
        );
    }

    #[test]
    fn api_paths_carry_filters() {
        let view = ListView {
            kind: ListKind::Category("home".into()),
            page: 2,
            sort: ProductSort::PriceDesc,
        };
        assert_eq!(
            view.api_path(),
            "/catalog/products?page=2&limit=24&sort=price_desc&category=home"
        );
    }

    #[test]
    fn decoding_is_lenient() {
        assert_eq!(decode("a%20b"), "a b");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
        assert_eq!(decode("caf%C3%A9"), "café");
    }
}
