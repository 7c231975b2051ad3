//! v1 ⇄ the catalog's own API: a partner's query becomes the catalog's, the catalog's DTOs
//! become `contracts::partner`'s. This is the one place that knows both, so when the catalog
//! changes, this file changes and v1 does not.
//!
//! What v1 does not publish stays here: the catalog's sort orders and its rating `revision`
//! (an internal change number) are not part of v1.

use contracts::catalog::{Currency, Money, ProductDetail, ProductPage, ProductRating, ProductSummary};
use contracts::partner::{
    PartnerPaging, PartnerPrice, PartnerProduct, PartnerProductDetail, PartnerProductPage, PartnerRating,
    DEFAULT_PER_PAGE, MAX_PER_PAGE,
};
use contracts::problem::Problem;
use serde::Deserialize;

/// Longest search text v1 accepts.
pub const MAX_SEARCH_CHARS: usize = 100;
/// Longest category slug v1 accepts.
const MAX_SLUG_CHARS: usize = 64;
/// Highest page v1 accepts.
const MAX_PAGE: u32 = 100_000;

/// `GET /partner/v1/products` as sent: every field a string, so each problem names its field
/// (the document shows the numbers as the numbers they must be).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RawListQuery {
    /// 1-based page (default 1).
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub per_page: Option<String>,
    /// A category slug.
    pub category: Option<String>,
    /// Words every product found contains (as prefixes).
    pub search: Option<String>,
}

/// The catalog's `/products?…` for a v1 list query, or a 400 problem naming each bad field.
pub fn catalog_list_path(raw: &RawListQuery) -> Result<String, Problem> {
    let mut problem = Problem::new("invalid-query", "Invalid query", 400);
    let page = number(raw.page.as_deref(), 1, MAX_PAGE, "page", &mut problem);
    let per_page = number(
        raw.per_page.as_deref(),
        DEFAULT_PER_PAGE,
        MAX_PER_PAGE,
        "perPage",
        &mut problem,
    );
    let category = raw.category.as_deref().map(str::trim).filter(|c| !c.is_empty());
    if category.is_some_and(|c| c.len() > MAX_SLUG_CHARS || !c.bytes().all(is_slug_byte)) {
        problem = problem.with_field("category", "A category slug: lower-case letters, digits and '-'.");
    }
    let search = raw.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if search.is_some_and(|s| s.chars().count() > MAX_SEARCH_CHARS) {
        problem = problem.with_field("search", format!("At most {MAX_SEARCH_CHARS} characters."));
    }
    if !problem.errors.is_empty() {
        return Err(problem);
    }
    let mut path = format!("/products?page={page}&limit={per_page}");
    if let Some(category) = category {
        path.push_str(&format!("&category={category}"));
    }
    if let Some(search) = search {
        path.push_str(&format!("&q={}", encode(search)));
    }
    Ok(path)
}

fn number(raw: Option<&str>, default: u32, max: u32, field: &str, problem: &mut Problem) -> u32 {
    match raw.map(str::trim) {
        None | Some("") => default,
        Some(text) => match text.parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => {
                *problem = problem
                    .clone()
                    .with_field(field, format!("A whole number from 1 to {max}."));
                default
            }
        },
    }
}

fn is_slug_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A catalog page as a v1 page.
pub fn page(page: ProductPage) -> PartnerProductPage {
    PartnerProductPage {
        data: page.items.into_iter().map(product).collect(),
        paging: PartnerPaging {
            page: page.page,
            per_page: page.limit,
            total_items: page.total,
            total_pages: page.last_page.max(1),
        },
    }
}

/// A catalog product as a v1 product.
pub fn product(summary: ProductSummary) -> PartnerProduct {
    PartnerProduct {
        id: summary.id,
        name: summary.name,
        category: summary.category,
        price: price(summary.price),
        // The catalog's image path is relative to the API base; partners get the whole path.
        image_url: format!("/api{}", summary.image_url),
        rating: rating(summary.rating),
    }
}

/// A catalog product page as a v1 detail.
pub fn detail(detail: ProductDetail) -> PartnerProductDetail {
    PartnerProductDetail {
        product: product(detail.summary),
        category_name: detail.category_name,
        description: detail.description,
    }
}

fn price(money: Money) -> PartnerPrice {
    PartnerPrice {
        amount_minor: money.cents,
        // Exhaustive on purpose: a new catalog currency must be mapped here before it builds.
        currency: match money.currency {
            Currency::EUR => "EUR".to_string(),
        },
    }
}

fn rating(rating: ProductRating) -> PartnerRating {
    PartnerRating {
        average: rating.average,
        count: rating.count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(page: &str, per_page: &str, category: &str, search: &str) -> RawListQuery {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        RawListQuery {
            page: some(page),
            per_page: some(per_page),
            category: some(category),
            search: some(search),
        }
    }

    #[test]
    fn a_v1_query_becomes_the_catalogs() {
        assert_eq!(
            catalog_list_path(&raw("", "", "", "")).unwrap(),
            "/products?page=1&limit=20"
        );
        assert_eq!(
            catalog_list_path(&raw("2", "5", "kitchen", "blue kettle&x")).unwrap(),
            "/products?page=2&limit=5&category=kitchen&q=blue%20kettle%26x"
        );
    }

    #[test]
    fn bad_fields_are_named() {
        let problem = catalog_list_path(&raw("0", "101", "Kitchen!", &"x".repeat(101))).unwrap_err();
        let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["page", "perPage", "category", "search"]);
        assert_eq!(problem.status, 400);
        assert_eq!(problem.title, "Invalid query");
    }
}
