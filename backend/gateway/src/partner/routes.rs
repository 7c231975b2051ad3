//! The v1 endpoints: `GET /partner/v1/products` (paged, by category, searched) and
//! `GET /partner/v1/products/{id}`. Each asks the catalog's own API (with the breaker and
//! deadlines every proxied call has) and answers the v1 shape from [`super::map`].

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use contracts::catalog::{ProductDetail, ProductPage};
use contracts::partner::{PartnerProductDetail, PartnerProductPage};
use contracts::problem::Problem;
use contracts::services::CATALOG;
use http_body_util::BodyExt;
use kit::problem::{Json, Path, Query};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use super::error::PartnerError;
use super::map::{self, RawListQuery};
use super::PartnerState;
use crate::error::GatewayError;
use crate::forwarding::ProxyHeaders;
use crate::upstream::h1::{AnswerHeaders, Outgoing};

/// The most a catalog answer may hold (a page of 100 products is ~30 KB).
const MAX_CATALOG_BODY: usize = 1 << 20;

/// One page of products.
#[utoipa::path(
    get, path = "/partner/v1/products", tag = "products", params(RawListQuery),
    responses(
        (status = 200, description = "One page of products", body = PartnerProductPage, headers(
            ("RateLimit-Policy" = String, description = "The key's limits (IETF RateLimit fields)"),
            ("RateLimit" = String, description = "What is left of them"),
        )),
        (status = 400, description = "Invalid query; `errors` names the fields", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working key in `x-api-key`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the key's rate or daily quota", body = Problem, content_type = "application/problem+json", headers(
            ("Retry-After" = u64, description = "Seconds until a call is admitted again"),
        )),
        (status = 503, description = "The catalog or the key check cannot answer now", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn products_list(
    State(state): State<PartnerState>,
    Query(raw): Query<RawListQuery>,
    headers: HeaderMap,
) -> Result<Json<PartnerProductPage>, PartnerError> {
    let path = map::catalog_list_path(&raw).map_err(PartnerError::Invalid)?;
    let page: ProductPage = catalog_get(&state, &path, &headers)
        .await?
        .ok_or_else(|| PartnerError::Unexpected("404 for a list".into()))?;
    Ok(Json(map::page(page)))
}

/// One product.
#[utoipa::path(
    get, path = "/partner/v1/products/{id}", tag = "products",
    params(("id" = i64, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product", body = PartnerProductDetail),
        (status = 401, description = "No working key in `x-api-key`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the key's rate or daily quota", body = Problem, content_type = "application/problem+json", headers(
            ("Retry-After" = u64, description = "Seconds until a call is admitted again"),
        )),
        (status = 503, description = "The catalog or the key check cannot answer now", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(product = %id))]
pub async fn products_get(
    State(state): State<PartnerState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<PartnerProductDetail>, PartnerError> {
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(PartnerError::NotFound)?;
    let detail: ProductDetail = catalog_get(&state, &format!("/products/{id}"), &headers)
        .await?
        .ok_or(PartnerError::NotFound)?;
    Ok(Json(map::detail(detail)))
}

/// Any other path under `/partner` (with a working key).
pub async fn not_found() -> PartnerError {
    PartnerError::NotFound
}

/// `GET target` on the catalog: its decoded answer, `None` for a 404.
async fn catalog_get<T: DeserializeOwned>(
    state: &PartnerState,
    target: &str,
    incoming: &HeaderMap,
) -> Result<Option<T>, PartnerError> {
    let started = Instant::now();
    let (status, body) = fetch(state, target, incoming, started).await?;
    if let Some(catalog) = state.app.upstreams.get(CATALOG.name) {
        catalog.answers.record(status, started.elapsed());
    }
    match status {
        StatusCode::NOT_FOUND => Ok(None),
        s if s.is_success() => serde_json::from_slice(&body)
            .map(Some)
            .map_err(|e| PartnerError::Unexpected(format!("{target}: {e}"))),
        s if s.is_server_error() => Err(GatewayError::Unavailable {
            service: CATALOG.name.into(),
            reason: format!("answered {s}"),
        }
        .into()),
        s => Err(PartnerError::Unexpected(format!("{target}: {s}"))),
    }
}

/// Sends the request to an address the catalog's breakers admit, within the head timeout
/// and the whole-answer deadline, and reads the (bounded) body.
async fn fetch(
    state: &PartnerState,
    target: &str,
    incoming: &HeaderMap,
    started: Instant,
) -> Result<(StatusCode, bytes::Bytes), GatewayError> {
    let app = &state.app;
    let unavailable = |reason: String| GatewayError::Unavailable {
        service: CATALOG.name.into(),
        reason,
    };
    let upstream = app
        .upstreams
        .get(CATALOG.name)
        .ok_or_else(|| GatewayError::UnknownService(CATALOG.name.into()))?;
    let chosen = upstream.choose(None).map_err(|open| GatewayError::CircuitOpen {
        service: CATALOG.name.into(),
        retry_after: open.retry_after,
    })?;
    let target = chosen
        .endpoint
        .target(target)
        .map_err(|e| unavailable(e.to_string()))?;
    // The target goes on the request line; the URI made here is not read.
    let mut request = http::Request::get("/").header(header::ACCEPT, "application/json");
    if let Some(id) = incoming.get("x-request-id") {
        request = request.header("x-request-id", id);
    }
    let (parts, body) = request
        .body(Body::empty())
        .map_err(|e| unavailable(e.to_string()))?
        .into_parts();
    let added = ProxyHeaders::default();
    let outgoing = Outgoing {
        target,
        added: &added,
        answer: AnswerHeaders::Parsed,
    };
    let deadline = started + app.deadline;
    let head_by = deadline.min(started + app.timeout);
    let response = match tokio::time::timeout_at(head_by, chosen.endpoint.send(parts, body, outgoing)).await {
        Ok(Ok(response)) => response,
        Ok(Err(err)) => {
            chosen.permit.failed();
            return Err(unavailable(err.to_string()));
        }
        Err(_) => {
            chosen.permit.failed();
            return Err(GatewayError::Timeout(CATALOG.name.into()));
        }
    };
    let status = response.status();
    if matches!(status.as_u16(), 502..=504) {
        chosen.permit.failed();
    } else {
        chosen.permit.succeeded();
    }
    let body = http_body_util::Limited::new(response.into_body(), MAX_CATALOG_BODY).collect();
    let body = tokio::time::timeout_at(deadline, body)
        .await
        .map_err(|_| GatewayError::Timeout(CATALOG.name.into()))?
        .map_err(|e| unavailable(e.to_string()))?;
    Ok((status, body.to_bytes()))
}
