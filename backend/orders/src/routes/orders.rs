//! `POST /` (place an order from the cart), `GET /` (my orders), `GET /{id}` (one of mine).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use contracts::cart::CartSnapshotRequest;
use contracts::catalog::{Money, PricesRequest};
use contracts::orders::{
    ItemQuantity, OrderCreated, OrderLine, OrderPreview, OrderStatus, OrderStatusChanged, OrderView,
    PlaceOrderRequest, StatusChange,
};
use contracts::problem::Problem;
use kit::auth::AuthUser;
use kit::db::Exclusive;
use kit::problem::{Json, Path};

use crate::domain::address;
use crate::error::OrdersError;
use crate::state::AppState;
use crate::store::{self, NewOrder};

/// Header a client sends so a retried "place order" never places a second one.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Places an order for everything in the caller's cart, at today's prices.
#[utoipa::path(
    post, path = "/", tag = "orders", request_body = PlaceOrderRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key, same order: retries never order twice")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Placed; the saga takes it from PENDING", body = OrderView),
        (status = 200, description = "Already placed with this Idempotency-Key", body = OrderView),
        (status = 400, description = "Address invalid; `errors` names the fields", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Cart empty, products gone, or prices changed since the shopper saw the total", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn orders_place(
    State(state): State<AppState>,
    user: AuthUser,
    headers: HeaderMap,
    Json(request): Json<PlaceOrderRequest>,
) -> Result<(StatusCode, Json<OrderView>), OrdersError> {
    let key = idempotency_key(&headers)?;
    if let Some(key) = &key {
        if let Some(existing) = store::by_idempotency_key(&state.db, &user.id, key).await? {
            let view = store::view(&state.db, &user.id, &existing)
                .await?
                .ok_or(OrdersError::NotFound)?;
            return Ok((StatusCode::OK, Json(view)));
        }
    }
    let address = address::parse(&request.shipping_address).map_err(OrdersError::Invalid)?;
    let lines = priced_cart(&state, &user.id).await?;
    let total: i64 = lines
        .iter()
        .map(|l| l.unit_price.cents * i64::from(l.quantity))
        .sum();
    if total != request.expected_total_cents {
        return Err(OrdersError::PricesChanged {
            total: Money::eur(total),
        });
    }
    let id = uuid::Uuid::now_v7().to_string();
    let now = kit::clock::now_rfc3339();
    // A new order of this shopper's: other shoppers place theirs beside it on PostgreSQL.
    let mut tx = kit::db::begin_write_for(&state.db, Exclusive::Aggregate(&user.id)).await?;
    let order = NewOrder {
        id: &id,
        user_id: &user.id,
        idempotency_key: key.as_deref(),
        lines: &lines,
        total_cents: total,
        address: &address,
    };
    // The order, its lines, its history, its two events and the COMMIT: one round trip on
    // SQLite.
    let mut statements = store::insert(&tx, &order, &now)?;
    let created = OrderCreated {
        order_id: id.clone(),
        user_id: user.id.clone(),
        items: lines
            .iter()
            .map(|l| ItemQuantity {
                product_id: l.product_id,
                quantity: l.quantity,
            })
            .collect(),
        total: Money::eur(total),
    };
    kit::outbox::push_enqueue(&mut statements, created)?;
    let changed = OrderStatusChanged {
        order_id: id.clone(),
        user_id: user.id.clone(),
        status: OrderStatus::Pending,
    };
    kit::outbox::push_enqueue(&mut statements, changed)?;
    let written = match tx.execute_then_commit(statements).await {
        Ok(()) => tx.commit().await,
        Err(err) => {
            // Ended here, so the write turn is not held through the reads below.
            let _ = tx.rollback().await;
            Err(err)
        }
    };
    if let Err(err) = written {
        // Two tabs placing with one key at once: the unique index lets one win.
        if let (Some(key), sqlx::Error::Database(db)) = (&key, &err) {
            if db.is_unique_violation() {
                let existing = store::by_idempotency_key(&state.db, &user.id, key)
                    .await?
                    .ok_or(OrdersError::NotFound)?;
                let view = store::view(&state.db, &user.id, &existing)
                    .await?
                    .ok_or(OrdersError::NotFound)?;
                return Ok((StatusCode::OK, Json(view)));
            }
        }
        return Err(err.into());
    }
    state.relay.notify();
    tracing::info!(order_id = id, total, "order placed");
    // The order as just written, without reading it back: the saga may move it on at once,
    // but what was placed is PENDING, and the order's page follows it from there.
    let view = OrderView {
        id,
        status: OrderStatus::Pending,
        lines,
        total: Money::eur(total),
        shipping_address: address,
        checkout_url: None,
        tracking_code: None,
        history: vec![StatusChange {
            status: OrderStatus::Pending,
            at: now.clone(),
            reason: None,
        }],
        placed_at: now,
    };
    Ok((StatusCode::CREATED, Json(view)))
}

/// What placing an order now would buy and charge (the checkout page's review).
#[utoipa::path(
    get, path = "/preview", tag = "orders", security(("bearer" = [])),
    responses(
        (status = 200, description = "The cart priced now", body = OrderPreview),
        (status = 409, description = "Cart empty or products gone", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn orders_preview(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<OrderPreview>, OrdersError> {
    let lines = priced_cart(&state, &user.id).await?;
    let total = Money::eur(total_cents(&lines));
    Ok(Json(OrderPreview { lines, total }))
}

/// The caller's orders, newest first.
#[utoipa::path(
    get, path = "/", tag = "orders", security(("bearer" = [])),
    responses((status = 200, description = "My orders", body = Vec<OrderView>))
)]
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn orders_list(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<OrderView>>, OrdersError> {
    Ok(Json(store::list(&state.db, &user.id).await?))
}

/// One of the caller's orders (another user's is a 404, like a missing one).
#[utoipa::path(
    get, path = "/{id}", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order with its history", body = OrderView),
        (status = 404, description = "No such order of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn orders_get(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<OrderView>, OrdersError> {
    store::view(&state.db, &user.id, &id)
        .await?
        .map(Json)
        .ok_or(OrdersError::NotFound)
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, OrdersError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default().trim();
    if key.is_empty() || key.len() > 100 {
        return Err(OrdersError::Invalid(
            Problem::new("invalid-idempotency-key", "Invalid Idempotency-Key", 400)
                .with_detail("Send 1–100 visible characters, e.g. a UUID."),
        ));
    }
    Ok(Some(key.to_string()))
}

fn total_cents(lines: &[OrderLine]) -> i64 {
    lines
        .iter()
        .map(|l| l.unit_price.cents * i64::from(l.quantity))
        .sum()
}

/// The user's cart priced now: (lines at current prices).
async fn priced_cart(state: &AppState, user_id: &str) -> Result<Vec<OrderLine>, OrdersError> {
    let cart = kit::nats::request(
        &state.nats,
        &CartSnapshotRequest {
            user_id: user_id.into(),
        },
    )
    .await?;
    if cart.items.is_empty() {
        return Err(OrdersError::EmptyCart);
    }
    let ids = cart.items.iter().map(|i| i.product_id).collect();
    let prices = kit::nats::request(&state.nats, &PricesRequest { product_ids: ids }).await?;
    if !prices.unknown.is_empty() {
        return Err(OrdersError::UnknownProducts(prices.unknown));
    }
    Ok(cart
        .items
        .iter()
        .filter_map(|item| {
            let quote = prices.prices.iter().find(|q| q.product_id == item.product_id)?;
            Some(OrderLine {
                product_id: item.product_id,
                name: quote.name.clone(),
                quantity: item.quantity,
                unit_price: quote.price,
            })
        })
        .collect())
}
