//! The stand-in carrier: every `tracking_step` each parcel moves one step on, until delivered,
//! and each step is published as `shipping.status-changed`.

use contracts::shipping::ShipmentStatusChanged;
use kit::{clock, outbox};

use crate::state::AppState;
use crate::store;

/// Starts the carrier.
pub fn start(state: &AppState) -> tokio::task::JoinHandle<()> {
    let state = state.clone();
    tokio::spawn(async move {
        let tick = (state.settings.tracking_step / 4).max(std::time::Duration::from_millis(20));
        let mut ticks = tokio::time::interval(tick);
        loop {
            ticks.tick().await;
            if let Err(err) = step(&state).await {
                tracing::warn!(error = %err, "carrier step failed; will retry");
            }
        }
    })
}

/// Moves every due parcel one step on, each in a short write transaction of its own.
///
/// Every replica runs a carrier over the same table, and the due list is read outside the
/// transactions: two carriers may pick the same parcel at the same step. Only the conditional
/// move ([`store::advance`], `… WHERE status = <the step read>`) decides, under the write turn,
/// who takes the step; the other finds the parcel moved on and publishes nothing.
async fn step(state: &AppState) -> Result<(), sqlx::Error> {
    let now = clock::unix_millis();
    for (order_id, user_id, status) in store::due(&state.db, now).await? {
        let Some(next) = status.next() else { continue };
        let next_step_at = next
            .next()
            .map(|_| now + state.settings.tracking_step.as_millis() as i64);
        let mut tx = kit::db::begin_write(&state.db).await?;
        let Some(mut step) = store::advance(&mut tx, &order_id, status, next, next_step_at).await? else {
            // Another carrier took this step since the list was read.
            tx.rollback().await?;
            continue;
        };
        let changed = ShipmentStatusChanged {
            order_id: order_id.clone(),
            user_id,
            status: next,
        };
        outbox::push_enqueue(&mut step, changed)?;
        tx.execute_then_commit(step).await?;
        tx.commit().await?;
        state.relay.notify();
    }
    Ok(())
}
