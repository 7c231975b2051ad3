//! `inventory.reserved` → a Checkout Session at the provider → `payments.session-created`.

use std::collections::BTreeMap;

use contracts::catalog::Currency;
use contracts::inventory::InventoryReserved;
use contracts::messaging::Envelope;
use contracts::payments::PaymentSessionCreated;
use kit::bus::HandleError;
use kit::db::Exclusive;
use kit::{clock, inbox, outbox};

use crate::config::Settings;
use crate::provider::wire::{CreateCheckoutSession, LineItem, PriceData, ProductData};
use crate::provider::ProviderError;
use crate::state::AppState;
use crate::store;

/// Durable consumer name (also the inbox key).
pub const CONSUMER: &str = "payments-open-session";

/// Starts the consumer.
pub fn start(state: &AppState) {
    let s = state.clone();
    state
        .bus
        .consume(CONSUMER, move |e: Envelope<InventoryReserved>| open(s.clone(), e));
}

/// What the provider is asked for: one line for the whole order (the provider needs no
/// itemisation; the store's receipt has it), the order id as `client_reference_id` and in
/// `metadata`, and the order's page to come back to either way.
pub fn session_params(settings: &Settings, order: &InventoryReserved) -> CreateCheckoutSession {
    let order_page = settings.order_page(&order.order_id);
    let short = order.order_id.split('-').next().unwrap_or(&order.order_id);
    CreateCheckoutSession {
        mode: "payment".into(),
        line_items: vec![LineItem {
            price_data: PriceData {
                currency: provider_currency(order.total.currency).into(),
                unit_amount: order.total.cents,
                product_data: ProductData {
                    name: format!("Mercado order {short}"),
                },
            },
            quantity: 1,
        }],
        client_reference_id: Some(order.order_id.clone()),
        metadata: BTreeMap::from([("order_id".to_string(), order.order_id.clone())]),
        success_url: order_page.clone(),
        cancel_url: Some(order_page),
        expires_at: None,
    }
}

/// Stripe's spelling: lower-case ISO 4217 (a new store currency must be spelled out here).
fn provider_currency(currency: Currency) -> &'static str {
    match currency {
        Currency::EUR => "eur",
    }
}

/// One session per order at the provider too: a retried or redelivered request carries the
/// same key, so the provider answers with the session it already made.
fn idempotency_key(order_id: &str) -> String {
    format!("mercado-session-{order_id}")
}

#[tracing::instrument(skip_all, fields(order_id = %envelope.event.order_id))]
async fn open(state: AppState, envelope: Envelope<InventoryReserved>) -> Result<(), HandleError> {
    let order = envelope.event;
    if order.total.cents <= 0 {
        return Err(HandleError::Reject(format!(
            "nothing to charge for {}",
            order.order_id
        )));
    }
    // Outside any transaction: the provider may take its time. A redelivered event asks
    // again with the same key and gets the session the first delivery made (as Stripe
    // answers a repeated idempotency key), which the inbox or the order's one session row
    // then recognises: no row is read for it beforehand (decision 0021, round 5).
    let created = state
        .provider
        .create_checkout_session(
            &session_params(&state.settings, &order),
            &idempotency_key(&order.order_id),
        )
        .await
        .map_err(provider_failed)?;
    let now = clock::unix_millis() / 1000;
    let expires = now + state.settings.payment_timeout.as_secs() as i64;
    // Only this order's session: other orders' run beside it on PostgreSQL.
    let order_id = order.order_id.clone();
    let exclusive = Exclusive::Aggregate(&order_id);
    let new = inbox::handle_once_for(&state.db, exclusive, CONSUMER, &envelope.id, async |tx| {
        if !store::insert_session(tx, &created.id, &order.order_id, order.total.cents, now, expires).await? {
            return Ok(false); // The order's session is recorded (and announced) already.
        }
        // Only a new session needs its page: a repeat may find it closed, and without one.
        let checkout_url = created
            .url
            .ok_or_else(|| HandleError::Reject(format!("session {} has no pay page", created.id)))?;
        let event = PaymentSessionCreated {
            order_id: order.order_id,
            session_id: created.id,
            checkout_url,
        };
        outbox::enqueue_then_commit(tx, event).await?;
        Ok(true)
    })
    .await?;
    if new == Some(true) {
        state.relay.notify();
    }
    Ok(())
}

/// A provider that cannot be reached is waited for; one that refuses the request (a bad key,
/// bad parameters) will refuse it again: the event goes to the dead letters for a person.
fn provider_failed(err: ProviderError) -> HandleError {
    if err.is_transient() {
        HandleError::Retry(err.to_string())
    } else {
        HandleError::Reject(err.to_string())
    }
}
