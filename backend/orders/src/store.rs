//! The orders service's queries. Status changes always go through [`set_status`], which also
//! appends to the history, inside the caller's transaction.

use contracts::catalog::Money;
use contracts::orders::{OrderLine, OrderStatus, OrderView, ShippingAddress, StatusChange};
use kit::db::{Connection, Pool, SqlBuilder};
use sqlx::Row;

/// An order about to be inserted.
pub struct NewOrder<'a> {
    /// Order id.
    pub id: &'a str,
    /// Owner.
    pub user_id: &'a str,
    /// The client's idempotency key, if sent.
    pub idempotency_key: Option<&'a str>,
    /// Lines at the prices charged.
    pub lines: &'a [OrderLine],
    /// Their sum, in cents.
    pub total_cents: i64,
    /// Where it goes.
    pub address: &'a ShippingAddress,
}

/// The order a user already placed with `key`, if any.
#[tracing::instrument(skip_all)]
pub async fn by_idempotency_key(db: &Pool, user_id: &str, key: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM orders WHERE user_id = $1 AND idempotency_key = $2")
        .bind(user_id)
        .bind(key)
        .fetch_optional(db)
        .await
}

/// The statements inserting an order as PENDING with its lines and first history entry, placed
/// at `now`; the caller adds the order's events ([`kit::outbox::push_enqueue`]) and runs it in
/// its write transaction.
///
/// On SQLite that is one multi-statement query, so one round trip to the connection: the saga's
/// writes queue behind each other on the database's single writer, and each round trip is that
/// writer's time (see docs/decisions/0002, 0021). On PostgreSQL, statements one by one in the
/// caller's transaction.
pub fn insert<'q>(
    tx: &Connection,
    order: &NewOrder<'q>,
    now: &'q str,
) -> Result<SqlBuilder<'q>, sqlx::Error> {
    let address = serde_json::to_string(order.address).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let mut insert = SqlBuilder::for_connection(
        tx,
        "INSERT INTO orders (id, user_id, status, total_cents, address, idempotency_key, placed_at) VALUES (",
    );
    insert
        .push_bind(order.id)
        .push(", ")
        .push_bind(order.user_id)
        .push(", 'PENDING', ")
        .push_bind(order.total_cents)
        .push(", ")
        .push_bind(address)
        .push(", ")
        .push_bind(order.idempotency_key)
        .push(", ")
        .push_bind(now)
        .push(")");
    if !order.lines.is_empty() {
        insert.next_statement(
            "INSERT INTO order_lines (order_id, product_id, name, quantity, unit_price_cents) VALUES ",
        );
        for (i, line) in order.lines.iter().enumerate() {
            insert
                .push(if i == 0 { "(" } else { ", (" })
                .push_bind(order.id)
                .push(", ")
                .push_bind(line.product_id)
                .push(", ")
                .push_bind(line.name.as_str())
                .push(", ")
                .push_bind(i64::from(line.quantity))
                .push(", ")
                .push_bind(line.unit_price.cents)
                .push(")");
        }
    }
    push_history(&mut insert, order.id, OrderStatus::Pending, None, now);
    Ok(insert)
}

/// Adds the statement `INSERT INTO order_history …` for `status` to `query`, numbered after
/// the order's last entry.
fn push_history<'q>(
    query: &mut SqlBuilder<'q>,
    order_id: &'q str,
    status: OrderStatus,
    reason: Option<&'q str>,
    at: &'q str,
) {
    query
        .next_statement("INSERT INTO order_history (order_id, seq, status, at, reason) VALUES (")
        .push_bind(order_id)
        .push(", (SELECT COALESCE(MAX(seq), 0) + 1 FROM order_history WHERE order_id = ")
        .push_bind(order_id)
        .push("), ")
        .push_bind(status.as_str())
        .push(", ")
        .push_bind(at)
        .push(", ")
        .push_bind(reason)
        .push(")");
}

/// What a saga step needs to know of an order before it moves it.
#[derive(Debug)]
pub struct Current {
    /// Where the order is now.
    pub status: OrderStatus,
    /// Its owner.
    pub user_id: String,
    /// Its shipping address as stored (JSON), read in the same statement: the step to PAID
    /// announces it, and a second query for it was a round trip of its own.
    pub address: String,
}

impl Current {
    /// The stored shipping address.
    pub fn shipping_address(&self) -> Result<ShippingAddress, sqlx::Error> {
        serde_json::from_str(&self.address).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    }
}

/// An order's status, owner and address, read inside a transaction.
#[tracing::instrument(skip_all)]
pub async fn current(tx: &mut Connection, order_id: &str) -> Result<Option<Current>, sqlx::Error> {
    let row = sqlx::query("SELECT status, user_id, address FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_optional(tx)
        .await?;
    Ok(row.and_then(|r| {
        Some(Current {
            status: OrderStatus::parse(r.get::<&str, _>(0))?,
            user_id: r.get(1),
            address: r.get(2),
        })
    }))
}

/// What a status change may carry besides the status.
#[derive(Debug, Default)]
pub struct Details<'a> {
    /// Why (cancellations).
    pub reason: Option<&'a str>,
    /// Where to pay.
    pub checkout_url: Option<&'a str>,
    /// Carrier tracking code.
    pub tracking_code: Option<&'a str>,
}

/// The statements moving an order to `status` at `now` and recording it in the history; the
/// caller adds the events that announce it and runs them in its transaction (one round trip on
/// SQLite, as [`insert`]).
pub fn set_status<'q>(
    tx: &Connection,
    order_id: &'q str,
    status: OrderStatus,
    details: Details<'q>,
    now: &'q str,
) -> SqlBuilder<'q> {
    let mut update = SqlBuilder::for_connection(tx, "UPDATE orders SET status = ");
    update
        .push_bind(status.as_str())
        .push(", checkout_url = COALESCE(")
        .push_bind(details.checkout_url)
        .push(", checkout_url), tracking_code = COALESCE(")
        .push_bind(details.tracking_code)
        .push(", tracking_code) WHERE id = ")
        .push_bind(order_id);
    push_history(&mut update, order_id, status, details.reason, now);
    update
}

/// An order's lines.
pub async fn lines(conn: &mut Connection, order_id: &str) -> Result<Vec<OrderLine>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT product_id, name, quantity, unit_price_cents FROM order_lines WHERE order_id = $1 ORDER BY product_id",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OrderLine {
            product_id: r.get(0),
            name: r.get(1),
            quantity: r.get::<i64, _>(2) as u32,
            unit_price: Money::eur(r.get(3)),
        })
        .collect())
}

/// One of `user_id`'s orders, whole.
#[tracing::instrument(skip_all)]
pub async fn view(db: &Pool, user_id: &str, order_id: &str) -> Result<Option<OrderView>, sqlx::Error> {
    // One read transaction, so the row and its history are the same snapshot even while the
    // saga is moving the order along.
    let mut conn = kit::db::begin_read(db).await?;
    let row = sqlx::query(
        "SELECT id, status, total_cents, address, checkout_url, tracking_code, placed_at
         FROM orders WHERE id = $1 AND user_id = $2",
    )
    .bind(order_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let history =
        sqlx::query("SELECT status, at, reason FROM order_history WHERE order_id = $1 ORDER BY seq")
            .bind(order_id)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .filter_map(|r| {
                Some(StatusChange {
                    status: OrderStatus::parse(r.get::<&str, _>(0))?,
                    at: r.get(1),
                    reason: r.get(2),
                })
            })
            .collect();
    let address: String = row.get(3);
    Ok(Some(OrderView {
        id: row.get(0),
        status: OrderStatus::parse(row.get::<&str, _>(1)).unwrap_or(OrderStatus::Pending),
        lines: lines(&mut conn, order_id).await?,
        total: Money::eur(row.get(2)),
        shipping_address: serde_json::from_str(&address).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        checkout_url: row.get(4),
        tracking_code: row.get(5),
        history,
        placed_at: row.get(6),
    }))
}

/// `user_id`'s orders, newest first (at most 50).
#[tracing::instrument(skip_all)]
pub async fn list(db: &Pool, user_id: &str) -> Result<Vec<OrderView>, sqlx::Error> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM orders WHERE user_id = $1 ORDER BY placed_at DESC, id DESC LIMIT 50",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    let mut orders = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(order) = view(db, user_id, &id).await? {
            orders.push(order);
        }
    }
    Ok(orders)
}

/// Whether a paid (or shipped) order of `user_id` contains `product_id`.
#[tracing::instrument(skip_all)]
pub async fn bought(db: &Pool, user_id: &str, product_id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM orders o JOIN order_lines l ON l.order_id = o.id
         WHERE o.user_id = $1 AND l.product_id = $2 AND o.status IN ('PAID', 'SHIPPED') LIMIT 1",
    )
    .bind(user_id)
    .bind(product_id)
    .fetch_optional(db)
    .await?;
    Ok(found.is_some())
}
