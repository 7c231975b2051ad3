//! Parsing list and lookup requests into validated values ("parse, don't validate").
//!
//! Handlers receive raw strings so that every problem names the field it is about; from
//! here on, code works with [`ListQuery`] and [`ProductId`] only.

use contracts::catalog::{ProductSort, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
use contracts::problem::Problem;
use serde::Deserialize;

/// Longest search text accepted.
pub const MAX_SEARCH_CHARS: usize = 100;

/// The `GET /products` query as sent.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct RawListQuery {
    /// 1-based page number (default 1).
    pub page: Option<String>,
    /// Page size, 1 to 100 (default 24).
    pub limit: Option<String>,
    /// Category slug to filter by.
    pub category: Option<String>,
    /// `relevance`, `price_asc`, `price_desc`, `name_asc` or `name_desc`.
    pub sort: Option<String>,
    /// Full-text search; words match as prefixes ("kett" finds "Kettle").
    pub q: Option<String>,
}

/// A validated list request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListQuery {
    /// 1-based page.
    pub page: u32,
    /// Page size.
    pub limit: u32,
    /// Category slug filter.
    pub category: Option<String>,
    /// Order.
    pub sort: ProductSort,
    /// FTS5 match expression built from the user's words, if searching.
    pub search: Option<SearchText>,
}

impl ListQuery {
    /// Rows to skip.
    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.limit)
    }
}

/// Search words, reduced to letters and digits, as an FTS5 prefix query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchText {
    /// e.g. `"kett"* "blue"*`: every word must match as a prefix.
    pub fts_query: String,
}

impl SearchText {
    /// `None` when the text has no searchable word (only punctuation, say).
    fn parse(text: &str) -> Option<SearchText> {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| format!("\"{}\"*", w.to_lowercase()))
            .collect();
        (!words.is_empty()).then(|| SearchText {
            fts_query: words.join(" "),
        })
    }
}

impl TryFrom<RawListQuery> for ListQuery {
    type Error = Problem;

    fn try_from(raw: RawListQuery) -> Result<Self, Problem> {
        let mut problem = Problem::new("invalid-query", "Invalid query", 400);
        let page = parse_number(raw.page.as_deref(), 1, 1, 100_000, "page", &mut problem);
        let limit = parse_number(
            raw.limit.as_deref(),
            DEFAULT_PAGE_LIMIT,
            1,
            MAX_PAGE_LIMIT,
            "limit",
            &mut problem,
        );
        let sort = match raw.sort.as_deref().filter(|s| !s.is_empty()) {
            None => ProductSort::default(),
            Some(value) => ProductSort::parse(value).unwrap_or_else(|| {
                let allowed: Vec<&str> = ProductSort::ALL.iter().map(|s| s.as_str()).collect();
                problem
                    .errors
                    .push(field("sort", format!("must be one of {}", allowed.join(", "))));
                ProductSort::default()
            }),
        };
        let q = raw.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        if q.is_some_and(|q| q.chars().count() > MAX_SEARCH_CHARS) {
            problem.errors.push(field(
                "q",
                format!("must be at most {MAX_SEARCH_CHARS} characters"),
            ));
        }
        let category = raw
            .category
            .map(|c| c.trim().to_lowercase())
            .filter(|c| !c.is_empty());
        if category
            .as_deref()
            .is_some_and(|c| c.len() > 64 || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-'))
        {
            problem.errors.push(field(
                "category",
                "must be a category slug (letters, digits, dashes)",
            ));
        }
        if !problem.errors.is_empty() {
            let detail = problem
                .errors
                .iter()
                .map(|e| format!("{} {}", e.field, e.message))
                .collect::<Vec<_>>();
            return Err(problem.with_detail(detail.join("; ")));
        }
        // A query with words but nothing searchable ("!!!") matches nothing rather than everything.
        let search = q.map(|q| {
            SearchText::parse(q).unwrap_or(SearchText {
                fts_query: String::new(),
            })
        });
        Ok(ListQuery {
            page,
            limit,
            category,
            sort,
            search,
        })
    }
}

fn field(name: &str, message: impl Into<String>) -> contracts::problem::FieldError {
    contracts::problem::FieldError {
        field: name.into(),
        message: message.into(),
    }
}

fn parse_number(
    raw: Option<&str>,
    default: u32,
    min: u32,
    max: u32,
    name: &str,
    problem: &mut Problem,
) -> u32 {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None => default,
        Some(value) => match value.parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                problem
                    .errors
                    .push(field(name, format!("must be a whole number from {min} to {max}")));
                default
            }
        },
    }
}

/// A product id from the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProductId(pub i64);

impl ProductId {
    /// Parses a positive integer id; anything else is a 400 naming `id`.
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        match raw.parse::<i64>() {
            Ok(id) if id > 0 => Ok(ProductId(id)),
            _ => Err(Problem::new("invalid-path", "Invalid product id", 400)
                .with_detail(format!("{raw:?} is not a product id (a positive whole number)"))
                .with_field("id", "must be a positive whole number")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(pairs: &[(&str, &str)]) -> RawListQuery {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.to_string())
        };
        RawListQuery {
            page: get("page"),
            limit: get("limit"),
            category: get("category"),
            sort: get("sort"),
            q: get("q"),
        }
    }

    #[test]
    fn defaults_apply() {
        let q = ListQuery::try_from(raw(&[])).unwrap();
        assert_eq!(
            (q.page, q.limit, q.sort, q.search),
            (1, 24, ProductSort::Relevance, None)
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let problem =
            ListQuery::try_from(raw(&[("limit", "0"), ("page", "x"), ("sort", "cheap")])).unwrap_err();
        let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["page", "limit", "sort"]);
        assert!(ListQuery::try_from(raw(&[("limit", "10000")])).is_err());
        assert!(ListQuery::try_from(raw(&[("q", &"a".repeat(101))])).is_err());
    }

    #[test]
    fn search_words_become_prefix_terms() {
        let q = ListQuery::try_from(raw(&[("q", "  Kett, BLUE!")])).unwrap();
        assert_eq!(q.search.unwrap().fts_query, "\"kett\"* \"blue\"*");
        let q = ListQuery::try_from(raw(&[("q", "!!!")])).unwrap();
        assert_eq!(q.search.unwrap().fts_query, "");
    }

    #[test]
    fn product_ids_are_positive_integers() {
        assert_eq!(ProductId::parse("12").unwrap(), ProductId(12));
        for bad in ["abc", "0", "-3", "1.5", ""] {
            assert!(ProductId::parse(bad).is_err(), "{bad}");
        }
    }
}
