//! Moving orders along as inventory, payments and shipping answer.

use contracts::inventory::InventoryRejected;
use contracts::messaging::Envelope;
use contracts::orders::{ItemQuantity, OrderCancelled, OrderPaid, OrderStatus, OrderStatusChanged};
use contracts::payments::{PaymentFailed, PaymentSessionCreated, PaymentSucceeded};
use contracts::shipping::ShipmentCreated;
use kit::bus::HandleError;
use kit::db::{Connection, Exclusive, SqlBuilder, WriteTransaction};
use kit::{inbox, outbox};

use crate::domain::status::{transition, Transition};
use crate::state::AppState;
use crate::store::{self, Current, Details};

/// Starts one durable consumer per event the saga needs.
pub fn start(state: &AppState) {
    let s = state.clone();
    state.bus.consume(
        "orders-inventory-rejected",
        move |e: Envelope<InventoryRejected>| {
            let (order, reason) = (e.event.order_id.clone(), e.event.reason.clone());
            advance(
                s.clone(),
                "orders-inventory-rejected",
                e.id,
                order,
                OrderStatus::Cancelled,
                Change::Reason(reason),
            )
        },
    );
    let s = state.clone();
    state.bus.consume(
        "orders-session-created",
        move |e: Envelope<PaymentSessionCreated>| {
            let (order, url) = (e.event.order_id.clone(), e.event.checkout_url.clone());
            advance(
                s.clone(),
                "orders-session-created",
                e.id,
                order,
                OrderStatus::AwaitingPayment,
                Change::CheckoutUrl(url),
            )
        },
    );
    let s = state.clone();
    state.bus.consume(
        "orders-payment-succeeded",
        move |e: Envelope<PaymentSucceeded>| {
            let order = e.event.order_id.clone();
            advance(
                s.clone(),
                "orders-payment-succeeded",
                e.id,
                order,
                OrderStatus::Paid,
                Change::None,
            )
        },
    );
    let s = state.clone();
    state
        .bus
        .consume("orders-payment-failed", move |e: Envelope<PaymentFailed>| {
            let (order, reason) = (e.event.order_id.clone(), e.event.reason.clone());
            advance(
                s.clone(),
                "orders-payment-failed",
                e.id,
                order,
                OrderStatus::Cancelled,
                Change::Reason(reason),
            )
        });
    let s = state.clone();
    state
        .bus
        .consume("orders-shipment-created", move |e: Envelope<ShipmentCreated>| {
            let (order, code) = (e.event.order_id.clone(), e.event.tracking_code.clone());
            advance(
                s.clone(),
                "orders-shipment-created",
                e.id,
                order,
                OrderStatus::Shipped,
                Change::Tracking(code),
            )
        });
}

/// What a status change carries.
enum Change {
    None,
    Reason(String),
    CheckoutUrl(String),
    Tracking(String),
}

/// Moves `order_id` to `to` if the rules allow, publishing what follows from it.
#[tracing::instrument(skip_all, fields(consumer, order_id = %order_id, to = to.as_str()))]
async fn advance(
    state: AppState,
    consumer: &'static str,
    event_id: String,
    order_id: String,
    to: OrderStatus,
    change: Change,
) -> Result<(), HandleError> {
    // Only this order's rows: steps for other orders run beside it on PostgreSQL.
    let exclusive = Exclusive::Aggregate(&order_id);
    let applied = inbox::handle_once_for(&state.db, exclusive, consumer, &event_id, async |tx| {
        let Some(current) = store::current(tx, &order_id).await? else {
            return Err(HandleError::Reject(format!("no order {order_id}")));
        };
        let from = current.status;
        match transition(from, to) {
            Transition::Skip => Ok(false),
            Transition::Illegal => Err(HandleError::Reject(format!(
                "{} → {} is not allowed",
                from.as_str(),
                to.as_str()
            ))),
            Transition::Apply => {
                apply(tx, &order_id, &current, to, &change).await?;
                Ok(true)
            }
        }
    })
    .await?;
    if applied == Some(true) {
        state.relay.notify();
    }
    Ok(())
}

/// Moves the order to `to` and writes the events announcing it, in one batch of statements
/// that also commits (one round trip on SQLite): what it announces is read first.
async fn apply(
    tx: &mut WriteTransaction,
    order_id: &str,
    current: &Current,
    to: OrderStatus,
    change: &Change,
) -> Result<(), sqlx::Error> {
    let paid = match to {
        OrderStatus::Paid => Some(paid_event(tx, order_id, current).await?),
        _ => None,
    };
    let now = kit::clock::now_rfc3339();
    let mut statements = store::set_status(tx, order_id, to, details(change), &now);
    announce(&mut statements, order_id, &current.user_id, to, change, paid)?;
    tx.execute_then_commit(statements).await
}

/// The `orders.paid` event of an order: its lines and where they go.
async fn paid_event(
    tx: &mut Connection,
    order_id: &str,
    current: &Current,
) -> Result<OrderPaid, sqlx::Error> {
    let items = store::lines(tx, order_id)
        .await?
        .into_iter()
        .map(|l| ItemQuantity {
            product_id: l.product_id,
            quantity: l.quantity,
        })
        .collect();
    Ok(OrderPaid {
        order_id: order_id.into(),
        user_id: current.user_id.clone(),
        items,
        shipping_address: current.shipping_address()?,
    })
}

/// What a change records beside the new status.
fn details(change: &Change) -> Details<'_> {
    match change {
        Change::None => Details::default(),
        Change::Reason(reason) => Details {
            reason: Some(reason),
            ..Details::default()
        },
        Change::CheckoutUrl(url) => Details {
            checkout_url: Some(url),
            ..Details::default()
        },
        Change::Tracking(code) => Details {
            tracking_code: Some(code),
            ..Details::default()
        },
    }
}

/// The events a new status publishes, added to `statements`: always the status change, and
/// for PAID (`paid`, read beforehand) / CANCELLED what the other services act on.
fn announce(
    statements: &mut SqlBuilder<'_>,
    order_id: &str,
    user_id: &str,
    status: OrderStatus,
    change: &Change,
    paid: Option<OrderPaid>,
) -> Result<(), sqlx::Error> {
    let changed = OrderStatusChanged {
        order_id: order_id.into(),
        user_id: user_id.into(),
        status,
    };
    outbox::push_enqueue(statements, changed)?;
    match status {
        OrderStatus::Paid => {
            if let Some(paid) = paid {
                outbox::push_enqueue(statements, paid)?;
            }
        }
        OrderStatus::Cancelled => {
            let reason = match change {
                Change::Reason(reason) => reason.clone(),
                _ => "Cancelled.".into(),
            };
            let cancelled = OrderCancelled {
                order_id: order_id.into(),
                user_id: user_id.into(),
                reason,
            };
            outbox::push_enqueue(statements, cancelled)?;
        }
        _ => {}
    }
    Ok(())
}
