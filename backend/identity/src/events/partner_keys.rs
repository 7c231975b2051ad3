//! Answers `identity.partner-key` for the gateway: the key with this hash, if it works, and its
//! requests today; first adding the batch the asking gateway counted since it last asked.

use contracts::partner::{PartnerKeyGrant, PartnerKeyLookup, PartnerKeyReply};
use contracts::problem::Problem;

use crate::partner_keys;
use crate::state::AppState;

/// Starts the responder (queue group: identity replicas share requests).
pub async fn serve(state: AppState) -> Result<tokio::task::JoinHandle<()>, kit::nats::NatsError> {
    kit::nats::serve_requests(state.nats.clone(), move |request: PartnerKeyLookup| {
        let state = state.clone();
        async move { lookup(&state, request).await }
    })
    .await
}

#[tracing::instrument(skip_all)]
async fn lookup(state: &AppState, request: PartnerKeyLookup) -> Result<PartnerKeyReply, Problem> {
    let unavailable = |error: sqlx::Error| {
        tracing::warn!(%error, "partner key lookup failed");
        Problem::new("unavailable", "Partner keys cannot be read right now", 503)
    };
    let Some(row) = partner_keys::working_by_hash(&state.db, &request.key_hash)
        .await
        .map_err(unavailable)?
    else {
        return Ok(PartnerKeyReply { key: None });
    };
    if let Some(report) = request.report.filter(|r| r.count > 0) {
        partner_keys::add_usage(&state.db, &row.id, report.day, report.count)
            .await
            .map_err(unavailable)?;
    }
    let used_today = partner_keys::usage(&state.db, &row.id, request.today)
        .await
        .map_err(unavailable)?;
    Ok(PartnerKeyReply {
        key: Some(PartnerKeyGrant {
            id: row.id,
            partner: row.partner,
            tier: row.tier,
            used_today,
        }),
    })
}
