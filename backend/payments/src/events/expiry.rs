//! Sessions left unpaid past their timeout fail as "timed out", so their orders are cancelled
//! and their stock released instead of staying stuck.

use contracts::payments::PaymentFailed;
use kit::{clock, outbox};

use crate::domain::provider_event::TIMED_OUT;
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

/// Fails every overdue session, each in a short write transaction of its own.
///
/// Each is first expired at the provider, so it can no longer be paid there. That is best
/// effort: the timeout is the store's promise to the shopper and holds even when the
/// provider cannot be reached or the session is no longer open there (money that arrives
/// for a closed session is logged for a refund by the webhook).
///
/// Every replica sweeps the same table, and the list is read outside the transactions: two
/// sweeps may well pick the same sessions. Only the conditional close
/// ([`store::close_session`], `… WHERE status = 'OPEN' RETURNING …`) decides, under the write
/// turn, who acts on a session; the later sweep finds it closed and publishes nothing. The
/// provider's `checkout.session.expired` event closes it the same way, whichever comes first.
async fn sweep(state: &AppState) -> Result<(), sqlx::Error> {
    for id in store::overdue(&state.db, clock::unix_millis() / 1000).await? {
        if let Err(err) = state.provider.expire_checkout_session(&id).await {
            tracing::info!(session = id, error = %err, "provider did not expire the session");
        }
        let mut tx = kit::db::begin_write(&state.db).await?;
        let Some(order_id) = store::close_session(&mut tx, &id, "EXPIRED").await? else {
            // Paid, declined or expired by someone else since the list was read.
            tx.rollback().await?;
            continue;
        };
        tracing::info!(order_id, session = id, "payment timed out");
        let failed = PaymentFailed {
            order_id,
            reason: TIMED_OUT.into(),
        };
        outbox::enqueue(&mut tx, failed).await?;
        tx.commit().await?;
        state.relay.notify();
    }
    Ok(())
}
