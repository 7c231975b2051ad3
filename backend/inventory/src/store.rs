//! Inventory's queries: stock levels and reservations, always inside the caller's
//! transaction when the saga changes them.

use contracts::orders::ItemQuantity;
use kit::db::{Connection, Pool, SqlBuilder};
use sqlx::Row;

use crate::domain::{reservation, seed};

/// Seeds demo stock when the table is empty.
///
/// Replicas starting together on one database may both find it empty: the rows go in with
/// `ON CONFLICT DO NOTHING`, in one statement, so the second seed adds nothing and fails
/// nothing.
#[tracing::instrument(skip_all)]
pub async fn seed_if_empty(db: &Pool) -> Result<(), sqlx::Error> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stock")
        .fetch_one(db)
        .await?;
    if count > 0 {
        return Ok(());
    }
    let mut tx = kit::db::begin_write(db).await?;
    let mut insert = SqlBuilder::for_connection(&tx, "INSERT INTO stock (product_id, on_hand) VALUES ");
    for id in 1..=seed::SEEDED_PRODUCTS {
        if id > 1 {
            insert.push(", ");
        }
        insert
            .push("(")
            .push_bind(id)
            .push(", ")
            .push_bind(seed::on_hand(id))
            .push(")");
    }
    insert.push(" ON CONFLICT (product_id) DO NOTHING");
    insert.execute(&mut tx).await?;
    tx.commit().await
}

/// Units of a product that can still be sold (on hand minus held), if stocked.
#[tracing::instrument(skip_all)]
pub async fn available(db: &Pool, product_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT on_hand - reserved FROM stock WHERE product_id = $1")
        .bind(product_id)
        .fetch_optional(db)
        .await
}

/// Holds every line of `order_id`, or none: returns the products that are short.
///
/// Reads the levels, then writes: correct only inside a `kit::db::begin_write` transaction,
/// where no other writer (thread or replica) can change stock in between.
#[tracing::instrument(skip_all, fields(order_id))]
pub async fn reserve(
    tx: &mut Connection,
    order_id: &str,
    items: &[ItemQuantity],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut levels = Vec::new();
    for item in items {
        let level: Option<i64> =
            sqlx::query_scalar("SELECT on_hand - reserved FROM stock WHERE product_id = $1")
                .bind(item.product_id)
                .fetch_optional(&mut *tx)
                .await?;
        levels.push((item.product_id, level));
    }
    let short = reservation::shortages(items, |id| {
        levels.iter().find(|(p, _)| *p == id).and_then(|(_, l)| *l)
    });
    if !short.is_empty() {
        return Ok(short);
    }
    for item in items {
        let quantity = i64::from(item.quantity);
        sqlx::query("UPDATE stock SET reserved = reserved + $1 WHERE product_id = $2")
            .bind(quantity)
            .bind(item.product_id)
            .execute(&mut *tx)
            .await?;
        // A repeated product in one order adds up on its line (the existing row's column is
        // named by its table: PostgreSQL finds a bare `quantity` ambiguous here).
        sqlx::query(
            "INSERT INTO reservations (order_id, product_id, quantity, state) VALUES ($1, $2, $3, 'HELD')
             ON CONFLICT (order_id, product_id)
             DO UPDATE SET quantity = reservations.quantity + excluded.quantity",
        )
        .bind(order_id)
        .bind(item.product_id)
        .bind(quantity)
        .execute(&mut *tx)
        .await?;
    }
    Ok(Vec::new())
}

/// Moves an order's held units out of stock (paid). Returns how many lines changed.
#[tracing::instrument(skip_all, fields(order_id))]
pub async fn commit(tx: &mut Connection, order_id: &str) -> Result<u64, sqlx::Error> {
    settle(
        tx,
        order_id,
        "UPDATE stock SET on_hand = on_hand - $1, reserved = reserved - $1 WHERE product_id = $2",
        "COMMITTED",
    )
    .await
}

/// Gives an order's held units back (cancelled). Returns how many lines changed.
#[tracing::instrument(skip_all, fields(order_id))]
pub async fn release(tx: &mut Connection, order_id: &str) -> Result<u64, sqlx::Error> {
    settle(
        tx,
        order_id,
        "UPDATE stock SET reserved = reserved - $1 WHERE product_id = $2",
        "RELEASED",
    )
    .await
}

/// Runs `stock_update` ($1 quantity, $2 product) for every HELD line of the order and marks
/// them `state`; lines already settled are left alone, so a repeated event changes nothing.
async fn settle(
    tx: &mut Connection,
    order_id: &str,
    stock_update: &'static str,
    state: &str,
) -> Result<u64, sqlx::Error> {
    let held =
        sqlx::query("SELECT product_id, quantity FROM reservations WHERE order_id = $1 AND state = 'HELD'")
            .bind(order_id)
            .fetch_all(&mut *tx)
            .await?;
    for row in &held {
        let (product_id, quantity): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        sqlx::query(stock_update)
            .bind(quantity)
            .bind(product_id)
            .execute(&mut *tx)
            .await?;
    }
    let done = sqlx::query("UPDATE reservations SET state = $1 WHERE order_id = $2 AND state = 'HELD'")
        .bind(state)
        .bind(order_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    Ok(done)
}

/// An order's reservation lines and their states (for tests and support).
pub async fn reservations(db: &Pool, order_id: &str) -> Result<Vec<(i64, i64, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT product_id, quantity, state FROM reservations WHERE order_id = $1 ORDER BY product_id",
    )
    .bind(order_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}
