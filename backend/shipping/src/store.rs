//! Shipping's queries: shipments and their tracking steps.

use contracts::orders::ShippingAddress;
use contracts::shipping::{ShipmentStatus, ShipmentView, TrackingEvent};
use kit::db::{Connection, Pool};
use sqlx::Row;

/// Creates the shipment of `order_id` unless it exists; returns its tracking code if new.
#[tracing::instrument(skip_all, fields(order_id))]
pub async fn create(
    tx: &mut Connection,
    order_id: &str,
    user_id: &str,
    address: &ShippingAddress,
    tracking_code: &str,
    next_step_at: i64,
) -> Result<bool, sqlx::Error> {
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
    if inserted == 1 {
        record(tx, order_id, ShipmentStatus::LabelCreated).await?;
    }
    Ok(inserted == 1)
}

async fn record(tx: &mut Connection, order_id: &str, status: ShipmentStatus) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO tracking_events (order_id, seq, status, at)
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tracking_events WHERE order_id = $1), $2, $3)",
    )
    .bind(order_id)
    .bind(status.as_str())
    .bind(kit::clock::now_rfc3339())
    .execute(tx)
    .await
    .map(|_| ())
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
/// when it is delivered. Returns whether it moved.
///
/// The carrier of every replica reads the due list outside its write transaction, so two may
/// try the same step; the `status = from` condition lets only the first move it (and record
/// and publish the step), and the other finds the parcel already moved on.
pub async fn advance(
    tx: &mut Connection,
    order_id: &str,
    from: ShipmentStatus,
    to: ShipmentStatus,
    next_step_at: Option<i64>,
) -> Result<bool, sqlx::Error> {
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
    if moved == 1 {
        record(tx, order_id, to).await?;
    }
    Ok(moved == 1)
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
