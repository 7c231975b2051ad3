//! The cart: `GET /`, `POST /items`, `PUT /items/{productId}`, `DELETE /items/{productId}`.
//! Every answer is the whole cart, priced now, so the MFE and the badge never drift.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use contracts::cart::{AddItemRequest, CartView, SetQuantityRequest};
use contracts::catalog::{PriceQuote, PricesRequest};
use contracts::problem::Problem;
use kit::auth::AuthUser;
use kit::problem::{Json, Path};

use crate::domain::pricing::price;
use crate::domain::quantity::{product_id, Quantity};
use crate::error::CartError;
use crate::routes::owner::{resolve, Resolved};
use crate::state::AppState;
use crate::store::{self, AddError};

/// The cart, priced now (empty for a visitor without one).
#[utoipa::path(
    get, path = "/", tag = "cart",
    responses(
        (status = 200, description = "The cart", body = CartView),
        (status = 401, description = "An access token was sent and is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Prices unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn cart_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: Option<AuthUser>,
) -> Result<Response, CartError> {
    let resolved = resolve(&state, &headers, user, false).await?;
    answer(&state, resolved).await
}

/// Adds some of a product (to what is already there).
#[utoipa::path(
    post, path = "/items", tag = "cart", request_body = AddItemRequest,
    responses(
        (status = 200, description = "The cart after adding", body = CartView),
        (status = 400, description = "Quantity or product id invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "More than 10 of one product, or more than 50 products", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(product_id = request.product_id))]
pub async fn items_add(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: Option<AuthUser>,
    Json(request): Json<AddItemRequest>,
) -> Result<Response, CartError> {
    let product = product_id(request.product_id).map_err(CartError::Invalid)?;
    let quantity = Quantity::parse(request.quantity).map_err(CartError::Invalid)?;
    let mut resolved = resolve(&state, &headers, user.clone(), false).await?;
    // One price request for the new product and everything already in the cart: it checks
    // the product exists and prices the answer.
    let mut ids = match &resolved.cart_id {
        Some(cart) => store::lines(&state.db, cart)
            .await?
            .iter()
            .map(|l| l.product_id)
            .collect(),
        None => Vec::new(),
    };
    ids.push(product);
    let quotes = prices(&state, ids).await?;
    let current = quotes
        .iter()
        .find(|q| q.product_id == product)
        .map(|q| q.price)
        .ok_or(CartError::ProductNotFound(product))?;
    // Only now, with the product known to exist, may a new cart be made.
    if resolved.cart_id.is_none() {
        resolved = resolve(&state, &headers, user, true).await?;
    }
    let cart = resolved.cart_id.as_deref().unwrap_or_default();
    store::add(&state.db, cart, product, quantity.get(), current.cents)
        .await
        .map_err(|e| match e {
            AddError::Database(e) => CartError::Database(e),
            limit => CartError::Limit(limit.to_string()),
        })?;
    answer_priced(&state, resolved, quotes).await
}

/// Sets the quantity of a line.
#[utoipa::path(
    put, path = "/items/{productId}", tag = "cart", request_body = SetQuantityRequest,
    params(("productId" = i64, Path, description = "Product id")),
    responses(
        (status = 200, description = "The cart after the change", body = CartView),
        (status = 400, description = "Quantity not between 1 and 10", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The product is not in the cart", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(product_id = raw_id))]
pub async fn items_set(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: Option<AuthUser>,
    Path(raw_id): Path<i64>,
    Json(request): Json<SetQuantityRequest>,
) -> Result<Response, CartError> {
    let product = product_id(raw_id).map_err(CartError::Invalid)?;
    let quantity = Quantity::parse(request.quantity).map_err(CartError::Invalid)?;
    let resolved = resolve(&state, &headers, user, false).await?;
    let cart = resolved
        .cart_id
        .as_deref()
        .ok_or(CartError::LineNotFound(product))?;
    if !store::set_quantity(&state.db, cart, product, quantity.get()).await? {
        return Err(CartError::LineNotFound(product));
    }
    answer(&state, resolved).await
}

/// Removes a line.
#[utoipa::path(
    delete, path = "/items/{productId}", tag = "cart",
    params(("productId" = i64, Path, description = "Product id")),
    responses(
        (status = 200, description = "The cart after the removal", body = CartView),
        (status = 404, description = "The product is not in the cart", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(product_id = raw_id))]
pub async fn items_remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: Option<AuthUser>,
    Path(raw_id): Path<i64>,
) -> Result<Response, CartError> {
    let product = product_id(raw_id).map_err(CartError::Invalid)?;
    let resolved = resolve(&state, &headers, user, false).await?;
    let cart = resolved
        .cart_id
        .as_deref()
        .ok_or(CartError::LineNotFound(product))?;
    if !store::remove(&state.db, cart, product).await? {
        return Err(CartError::LineNotFound(product));
    }
    answer(&state, resolved).await
}

/// Prices of `product_ids` now, from the catalog.
async fn prices(state: &AppState, product_ids: Vec<i64>) -> Result<Vec<PriceQuote>, CartError> {
    Ok(kit::nats::request(&state.nats, &PricesRequest { product_ids })
        .await?
        .prices)
}

/// The cart of `resolved`, priced now, with any cookie change.
async fn answer(state: &AppState, resolved: Resolved) -> Result<Response, CartError> {
    answer_priced(state, resolved, Vec::new()).await
}

/// Like [`answer`], reusing `quotes` already fetched; lines they miss are priced afresh.
async fn answer_priced(
    state: &AppState,
    resolved: Resolved,
    mut quotes: Vec<PriceQuote>,
) -> Result<Response, CartError> {
    let lines = match &resolved.cart_id {
        Some(cart) => store::lines(&state.db, cart).await?,
        None => Vec::new(),
    };
    let missing: Vec<i64> = lines
        .iter()
        .map(|l| l.product_id)
        .filter(|id| !quotes.iter().any(|q| q.product_id == *id))
        .collect();
    if !missing.is_empty() {
        quotes.extend(prices(state, missing).await?);
    }
    let view = Json(price(&lines, &quotes));
    Ok(match resolved.set_cookie {
        Some(cookie) => ([(header::SET_COOKIE, cookie)], view).into_response(),
        None => view.into_response(),
    })
}
