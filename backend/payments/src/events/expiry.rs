//! Sessions left unpaid past their timeout fail as "timed out", so their orders are cancelled
//! and their stock released instead of staying stuck.

use contracts::orders::PaymentFailed;
use kit::{clock, outbox};

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

async fn sweep(state: &AppState) -> Result<(), sqlx::Error> {
    for id in store::overdue(&state.db, clock::unix_millis() / 1000).await? {
        let mut tx = kit::db::begin_write(&state.db).await?;
        if let Some(order_id) = store::close_session(&mut tx, &id, "EXPIRED").await? {
            tracing::info!(order_id, session = id, "payment timed out");
            let failed = PaymentFailed {
                order_id,
                reason: "Payment timed out.".into(),
            };
            outbox::enqueue(&mut tx, failed).await?;
        }
        tx.commit().await?;
        state.relay.notify();
    }
    Ok(())
}
