//! The cart's queries.

use contracts::cart::{MAX_LINES, MAX_QUANTITY};
use kit::db::{Connection, Pool, SqlBuilder};
use sqlx::Row;

use crate::domain::pricing::StoredLine;

/// Why a line could not be added.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    /// The line would hold more than [`MAX_QUANTITY`]; `already` are in the cart.
    #[error("at most {MAX_QUANTITY} of one product ({already} already in the cart)")]
    TooMany {
        /// Quantity already in the cart.
        already: u32,
    },
    /// The cart already has [`MAX_LINES`] products.
    #[error("at most {MAX_LINES} different products in a cart")]
    TooManyLines,
    /// Database failure.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The cart of `user_id`, if they have one.
#[tracing::instrument(skip_all)]
pub async fn cart_of_user(db: &Pool, user_id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM carts WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await
}

/// Whether `cart_id` is a visitor's (not a user's) cart that exists.
#[tracing::instrument(skip_all)]
pub async fn is_visitor_cart(db: &Pool, cart_id: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM carts WHERE id = $1 AND user_id IS NULL")
        .bind(cart_id)
        .fetch_optional(db)
        .await?;
    Ok(found.is_some())
}

/// A new empty cart for `user_id` (or a visitor); returns its id.
#[tracing::instrument(skip_all)]
pub async fn create_cart(db: &Pool, user_id: Option<&str>) -> Result<String, sqlx::Error> {
    let id = uuid::Uuid::new_v4().to_string();
    let now = kit::clock::unix_millis();
    sqlx::query("INSERT INTO carts (id, user_id, created_at, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO NOTHING")
        .bind(&id)
        .bind(user_id)
        .bind(now)
        .bind(now)
        .execute(db)
        .await?;
    match user_id {
        // A concurrent request may have created the user's cart first: use that one.
        Some(user) => Ok(cart_of_user(db, user).await?.unwrap_or(id)),
        None => Ok(id),
    }
}

/// Gives a visitor's cart to `user_id`: it becomes their cart if they have none, else its
/// lines are added to theirs (quantities capped) and it is deleted. Returns the user's cart;
/// `None` when the visitor's cart is no visitor's any more and the user has no cart.
#[tracing::instrument(skip_all)]
pub async fn merge_into_user(
    db: &Pool,
    visitor_cart: &str,
    user_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    let mut tx = kit::db::begin_write(db).await?;
    // Asked again under the write turn: two requests of one browser just after sign-in both
    // saw the visitor's cart, and the second must not merge what is by then the user's own
    // cart into itself (that doubled every quantity).
    let still_visitor: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM carts WHERE id = $1 AND user_id IS NULL")
            .bind(visitor_cart)
            .fetch_one(&mut *tx)
            .await?;
    let existing: Option<String> = sqlx::query_scalar("SELECT id FROM carts WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
    if still_visitor == 0 {
        tx.commit().await?;
        return Ok(existing);
    }
    let Some(user_cart) = existing else {
        sqlx::query("UPDATE carts SET user_id = $1, updated_at = $2 WHERE id = $3 AND user_id IS NULL")
            .bind(user_id)
            .bind(kit::clock::unix_millis())
            .bind(visitor_cart)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(Some(visitor_cart.to_string()));
    };
    // `cart_lines.quantity` is the user's line, `excluded.quantity` the visitor's; the
    // `WHERE` also keeps SQLite from reading `ON CONFLICT` as a join's `ON`.
    sqlx::query(
        "INSERT INTO cart_lines (cart_id, product_id, quantity, added_price_cents, added_at)
         SELECT $1, product_id, quantity, added_price_cents, added_at FROM cart_lines WHERE cart_id = $2
         ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity =
             CASE WHEN cart_lines.quantity + excluded.quantity > $3 THEN $3
                  ELSE cart_lines.quantity + excluded.quantity END",
    )
    .bind(&user_cart)
    .bind(visitor_cart)
    .bind(i64::from(MAX_QUANTITY))
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM carts WHERE id = $1 AND user_id IS NULL")
        .bind(visitor_cart)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(user_cart))
}

/// The lines of a cart, oldest first.
#[tracing::instrument(skip_all)]
pub async fn lines(db: &Pool, cart_id: &str) -> Result<Vec<StoredLine>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT product_id, quantity, added_price_cents FROM cart_lines WHERE cart_id = $1 ORDER BY added_at, product_id",
    )
    .bind(cart_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StoredLine {
            product_id: r.get(0),
            quantity: r.get::<i64, _>(1) as u32,
            added_price_cents: r.get(2),
        })
        .collect())
}

/// Adds `quantity` of a product priced `price_cents` now.
#[tracing::instrument(skip_all, fields(product_id))]
pub async fn add(
    db: &Pool,
    cart_id: &str,
    product_id: i64,
    quantity: u32,
    price_cents: i64,
) -> Result<(), AddError> {
    let mut tx = kit::db::begin_write(db).await?;
    let already: Option<i64> =
        sqlx::query_scalar("SELECT quantity FROM cart_lines WHERE cart_id = $1 AND product_id = $2")
            .bind(cart_id)
            .bind(product_id)
            .fetch_optional(&mut *tx)
            .await?;
    match already {
        Some(already) if already as u32 + quantity > MAX_QUANTITY => {
            return Err(AddError::TooMany {
                already: already as u32,
            })
        }
        Some(_) => {
            sqlx::query(
                "UPDATE cart_lines SET quantity = quantity + $1 WHERE cart_id = $2 AND product_id = $3",
            )
            .bind(i64::from(quantity))
            .bind(cart_id)
            .bind(product_id)
            .execute(&mut *tx)
            .await?;
        }
        None => {
            let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cart_lines WHERE cart_id = $1")
                .bind(cart_id)
                .fetch_one(&mut *tx)
                .await?;
            if count as usize >= MAX_LINES {
                return Err(AddError::TooManyLines);
            }
            sqlx::query(
                "INSERT INTO cart_lines (cart_id, product_id, quantity, added_price_cents, added_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(cart_id)
            .bind(product_id)
            .bind(i64::from(quantity))
            .bind(price_cents)
            .bind(kit::clock::unix_millis())
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Sets a line's quantity; `false` if the cart has no such line.
#[tracing::instrument(skip_all, fields(product_id))]
pub async fn set_quantity(
    db: &Pool,
    cart_id: &str,
    product_id: i64,
    quantity: u32,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query("UPDATE cart_lines SET quantity = $1 WHERE cart_id = $2 AND product_id = $3")
        .bind(i64::from(quantity))
        .bind(cart_id)
        .bind(product_id)
        .execute(db)
        .await?
        .rows_affected();
    Ok(changed == 1)
}

/// Removes a line; `false` if there was none.
#[tracing::instrument(skip_all, fields(product_id))]
pub async fn remove(db: &Pool, cart_id: &str, product_id: i64) -> Result<bool, sqlx::Error> {
    let removed = sqlx::query("DELETE FROM cart_lines WHERE cart_id = $1 AND product_id = $2")
        .bind(cart_id)
        .bind(product_id)
        .execute(db)
        .await?
        .rows_affected();
    Ok(removed == 1)
}

/// The statements taking bought quantities out of a user's cart (lines bought in full go),
/// for the caller to run with its commit ([`kit::db::WriteTransaction::execute_then_commit`]:
/// one round trip on SQLite for the whole order). `None` when nothing was bought.
pub fn take_bought<'q>(
    conn: &Connection,
    user_id: &'q str,
    items: &[contracts::orders::ItemQuantity],
) -> Option<SqlBuilder<'q>> {
    let mut statements: Option<SqlBuilder<'q>> = None;
    for item in items {
        let quantity = i64::from(item.quantity);
        let delete = "DELETE FROM cart_lines WHERE product_id = ";
        let statement = match statements.as_mut() {
            Some(more) => more.next_statement(delete),
            None => statements.insert(SqlBuilder::for_connection(conn, delete)),
        };
        statement
            .push_bind(item.product_id)
            .push(" AND quantity <= ")
            .push_bind(quantity);
        push_of_user(statement, user_id);
        statement.next_statement("UPDATE cart_lines SET quantity = quantity - ");
        statement
            .push_bind(quantity)
            .push(" WHERE product_id = ")
            .push_bind(item.product_id);
        push_of_user(statement, user_id);
    }
    statements
}

/// ` AND` the line is in `user_id`'s cart.
fn push_of_user<'q>(statement: &mut SqlBuilder<'q>, user_id: &'q str) {
    statement
        .push(" AND cart_id = (SELECT id FROM carts WHERE user_id = ")
        .push_bind(user_id)
        .push(")");
}
