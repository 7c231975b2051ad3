//! Shipping's queries: shipments and their tracking steps.

use contracts::orders::ShippingAddress;
use contracts::shipping::{ShipmentStatus, ShipmentView, TrackingEvent};
use kit::db::{Connection, Pool, SqlBuilder};
use sqlx::Row;

/// Creates the shipment of `order_id` unless it exists. If it is new, returns the statement
/// recording its first tracking step: the caller adds the events announcing it and runs them
/// with the commit ([`kit::db::WriteTransaction::execute_then_commit`]: one round trip on
/// SQLite for the rest of the step).
#[tracing::instrument(skip_all, fields(order_id))]
pub async fn create<'q>(
    tx: &mut Connection,
    order_id: &'q str,
    user_id: &str,
    address: &ShippingAddress,
    tracking_code: &str,
    next_step_at: i64,
) -> Result<Option<SqlBuilder<'q>>, sqlx::Error> {
    let address = serde_json::to_string(address).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let inserted = sqlx::query(
        "INSERT INTO shipments (order_id, user_id, tracking_code, status, next_step_at, address)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_id) DO NOTHING",
    )
    .bind(order_id)
    .bind(user_id)
    .bind(tracking_code)
    .bind(ShipmentStatus::LabelCreated.as_str())
    .bind(next_step_at)
    .bind(address)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok((inserted == 1).then(|| record(tx, order_id, ShipmentStatus::LabelCreated)))
}

/// The statement adding `status` to the tracking steps of `order_id`.
fn record<'q>(conn: &Connection, order_id: &'q str, status: ShipmentStatus) -> SqlBuilder<'q> {
    let mut statement = SqlBuilder::for_connection(
        conn,
        "INSERT INTO tracking_events (order_id, seq, status, at) VALUES (",
    );
    statement
        .push_bind(order_id)
        .push(", (SELECT COALESCE(MAX(seq), 0) + 1 FROM tracking_events WHERE order_id = ")
        .push_bind(order_id)
        .push("), ")
        .push_bind(status.as_str())
        .push(", ")
        .push_bind(kit::clock::now_rfc3339())
        .push(")");
    statement
}

/// Shipments whose next step is due at `now`: (order id, user id, status).
pub async fn due(db: &Pool, now: i64) -> Result<Vec<(String, String, ShipmentStatus)>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT order_id, user_id, status FROM shipments WHERE next_step_at <= $1 LIMIT 500")
            .bind(now)
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Some((r.get(0), r.get(1), ShipmentStatus::parse(r.get::<&str, _>(2))?)))
        .collect())
}

/// Moves a shipment from `from` to `to` (only if it is still at `from`); `next_step_at` None
/// when it is delivered. If it moved, returns the statement recording the step, to be run
/// with the events announcing it and the commit, as [`create`]'s.
///
/// The carrier of every replica reads the due list outside its write transaction, so two may
/// try the same step; the `status = from` condition lets only the first move it (and record
/// and publish the step), and the other finds the parcel already moved on.
pub async fn advance<'q>(
    tx: &mut Connection,
    order_id: &'q str,
    from: ShipmentStatus,
    to: ShipmentStatus,
    next_step_at: Option<i64>,
) -> Result<Option<SqlBuilder<'q>>, sqlx::Error> {
    let moved = sqlx::query(
        "UPDATE shipments SET status = $1, next_step_at = $2 WHERE order_id = $3 AND status = $4",
    )
    .bind(to.as_str())
    .bind(next_step_at)
    .bind(order_id)
    .bind(from.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok((moved == 1).then(|| record(tx, order_id, to)))
}

/// The shipment of `order_id` if `user_id` owns it.
#[tracing::instrument(skip_all)]
pub async fn view(db: &Pool, user_id: &str, order_id: &str) -> Result<Option<ShipmentView>, sqlx::Error> {
    // One read transaction: the status and its events are the same snapshot.
    let mut tx = db.begin().await?;
    let Some(row) =
        sqlx::query("SELECT tracking_code, status FROM shipments WHERE order_id = $1 AND user_id = $2")
            .bind(order_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
    else {
        return Ok(None);
    };
    let events = sqlx::query("SELECT status, at FROM tracking_events WHERE order_id = $1 ORDER BY seq")
        .bind(order_id)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(TrackingEvent {
                status: ShipmentStatus::parse(r.get::<&str, _>(0))?,
                at: r.get(1),
            })
        })
        .collect();
    Ok(Some(ShipmentView {
        order_id: order_id.into(),
        tracking_code: row.get(0),
        status: ShipmentStatus::parse(row.get::<&str, _>(1)).unwrap_or(ShipmentStatus::LabelCreated),
        events,
    }))
}
