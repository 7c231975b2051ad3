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

/// The products of `items` that are short: reads every level in one query.
///
/// Reads the levels that [`hold`] then writes: correct only inside a `kit::db::begin_write`
/// transaction, where no other writer (thread or replica) can change stock in between.
#[tracing::instrument(skip_all)]
pub async fn shortages(tx: &mut Connection, items: &[ItemQuantity]) -> Result<Vec<i64>, sqlx::Error> {
    let mut select = SqlBuilder::for_connection(
        tx,
        "SELECT product_id, on_hand - reserved FROM stock WHERE product_id IN ",
    );
    select.push_list(items.iter().map(|i| i.product_id));
    let Some((sql, args)) = select.into_single() else {
        return Ok(Vec::new());
    };
    let levels: Vec<(i64, i64)> = sqlx::query_with(&sql, args)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(reservation::shortages(items, |id| {
        levels.iter().find(|(p, _)| *p == id).map(|(_, l)| *l)
    }))
}

/// The statements holding every line of `order_id` (after [`shortages`] found none short); the
/// caller adds the event announcing it and runs them in its transaction, one round trip on
/// SQLite (docs/decisions/0021).
pub fn hold<'q>(tx: &Connection, order_id: &'q str, items: &[ItemQuantity]) -> SqlBuilder<'q> {
    let mut hold = SqlBuilder::for_connection(tx, "");
    for (i, item) in items.iter().enumerate() {
        let quantity = i64::from(item.quantity);
        let update = "UPDATE stock SET reserved = reserved + ";
        if i == 0 {
            hold.push(update);
        } else {
            hold.next_statement(update);
        }
        hold.push_bind(quantity)
            .push(" WHERE product_id = ")
            .push_bind(item.product_id);
        // A repeated product in one order adds up on its line (the existing row's column is
        // named by its table: PostgreSQL finds a bare `quantity` ambiguous here). One
        // statement per line: PostgreSQL refuses one that updates a row twice.
        hold.next_statement("INSERT INTO reservations (order_id, product_id, quantity, state) VALUES (")
            .push_bind(order_id)
            .push(", ")
            .push_bind(item.product_id)
            .push(", ")
            .push_bind(quantity)
            .push(
                ", 'HELD') ON CONFLICT (order_id, product_id) \
                 DO UPDATE SET quantity = reservations.quantity + excluded.quantity",
            );
    }
    hold
}

/// The statements moving an order's held units out of stock (paid), for the caller to run
/// with its commit.
#[tracing::instrument(skip_all, fields(order_id))]
pub fn commit<'q>(tx: &Connection, order_id: &'q str) -> SqlBuilder<'q> {
    settle(tx, order_id, StockUpdate::Sell, "COMMITTED")
}

/// The statements giving an order's held units back (cancelled), for the caller to run with
/// its commit.
#[tracing::instrument(skip_all, fields(order_id))]
pub fn release<'q>(tx: &Connection, order_id: &'q str) -> SqlBuilder<'q> {
    settle(tx, order_id, StockUpdate::GiveBack, "RELEASED")
}

/// Applies `stock_update` to every HELD line of the order and marks them `state`, in one batch
/// of statements (one round trip on SQLite, with the commit) and without reading them first;
/// lines already settled are left alone, so a repeated event changes nothing.
fn settle<'q>(
    tx: &Connection,
    order_id: &'q str,
    stock_update: StockUpdate,
    state: &'static str,
) -> SqlBuilder<'q> {
    // Each (order, product) has one reservation row, so the quantity is one value.
    let held = |column: &str| {
        format!(
            "{column} = {column} - (SELECT r.quantity FROM reservations r \
             WHERE r.order_id = "
        )
    };
    let mut settle = SqlBuilder::for_connection(tx, "UPDATE stock SET ");
    let columns: &[&str] = match stock_update {
        StockUpdate::Sell => &["on_hand", "reserved"],
        StockUpdate::GiveBack => &["reserved"],
    };
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            settle.push(", ");
        }
        settle
            .push(&held(column))
            .push_bind(order_id)
            .push(" AND r.product_id = stock.product_id AND r.state = 'HELD')");
    }
    settle
        .push(" WHERE product_id IN (SELECT product_id FROM reservations WHERE order_id = ")
        .push_bind(order_id)
        .push(" AND state = 'HELD')")
        .next_statement("UPDATE reservations SET state = ")
        .push_bind(state)
        .push(" WHERE order_id = ")
        .push_bind(order_id)
        .push(" AND state = 'HELD'");
    settle
}

/// What settling a reservation does to the stock row.
#[derive(Debug, Clone, Copy)]
enum StockUpdate {
    /// Paid: the held units leave the shelf.
    Sell,
    /// Cancelled: the held units are for sale again.
    GiveBack,
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
