//! Sessions left unpaid past their timeout fail as "timed out", so their orders are cancelled
//! and their stock released instead of staying stuck.

use contracts::payments::{PaymentFailed, PaymentSucceeded};
use kit::{clock, outbox};

use crate::domain::provider_event::TIMED_OUT;
use crate::provider::wire::PaymentStatus;
use crate::state::AppState;
use crate::store;

/// Starts the sweeper.
pub fn start(state: &AppState) -> tokio::task::JoinHandle<()> {
    let state = state.clone();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(state.settings.expiry_sweep);
        loop {
            ticks.tick().await;
            if let Err(err) = sweep(&state).await {
                tracing::warn!(error = %err, "expiry sweep failed; will retry");
            }
        }
    })
}

/// Closes every overdue session, each in a short write transaction of its own: as failed
/// ("timed out"), unless the provider says it was paid.
///
/// Each is first expired at the provider, so it can no longer be paid there. When that is
/// refused, the session is read back: one the shopper paid whose event never arrived (the
/// provider gave up re-sending while this service was down) is settled as paid — the money
/// is there, so the order must go on, not be cancelled. The timeout is the store's promise to
/// the shopper and holds even when the provider cannot be reached at all (money that arrives
/// later for a closed session is logged for a refund by the webhook).
///
/// Every replica sweeps the same table, and the list is read outside the transactions: two
/// sweeps may well pick the same sessions. Only the conditional close
/// ([`store::close_session`], `… WHERE status = 'OPEN' RETURNING …`) decides, under the write
/// turn, who acts on a session; the later sweep finds it closed and publishes nothing. The
/// provider's events close it the same way, whichever comes first.
async fn sweep(state: &AppState) -> Result<(), sqlx::Error> {
    for id in store::overdue(&state.db, clock::unix_millis() / 1000).await? {
        let paid = paid_at_provider(state, &id).await;
        let mut tx = kit::db::begin_write(&state.db).await?;
        let status = if paid { "PAID" } else { "EXPIRED" };
        let Some(order_id) = store::close_session(&mut tx, &id, status).await? else {
            // Paid, declined or expired by someone else since the list was read.
            tx.rollback().await?;
            continue;
        };
        if paid {
            tracing::warn!(
                order_id,
                session = id,
                "payment found at the provider after its event was lost"
            );
            let succeeded = PaymentSucceeded {
                order_id,
                session_id: id,
            };
            outbox::enqueue(&mut tx, succeeded).await?;
        } else {
            tracing::info!(order_id, session = id, "payment timed out");
            let failed = PaymentFailed {
                order_id,
                reason: TIMED_OUT.into(),
            };
            outbox::enqueue(&mut tx, failed).await?;
        }
        tx.commit().await?;
        state.relay.notify();
    }
    Ok(())
}

/// Expires session `id` at the provider; whether it turned out to be paid there instead.
async fn paid_at_provider(state: &AppState, id: &str) -> bool {
    let Err(refused) = state.provider.expire_checkout_session(id).await else {
        return false;
    };
    tracing::info!(session = id, error = %refused, "provider did not expire the session");
    match state.provider.retrieve_checkout_session(id).await {
        Ok(session) => session.payment_status == PaymentStatus::Paid,
        Err(err) => {
            tracing::warn!(session = id, error = %err, "provider unreachable: the session times out");
            false
        }
    }
}
