//! Answers `catalog.prices` with current prices, for cart and orders.

use contracts::catalog::{PricesReply, PricesRequest};
use contracts::problem::Problem;
use sqlx::SqlitePool;

use crate::store;

/// Starts the responder (queue group, so catalog replicas share requests).
pub async fn serve(
    nats: async_nats::Client,
    db: SqlitePool,
) -> Result<tokio::task::JoinHandle<()>, kit::nats::NatsError> {
    kit::nats::serve_requests(nats, move |request: PricesRequest| answer(db.clone(), request)).await
}

#[tracing::instrument(skip_all, fields(count = request.product_ids.len()))]
async fn answer(db: SqlitePool, request: PricesRequest) -> Result<PricesReply, Problem> {
    if request.product_ids.len() > PricesRequest::MAX_IDS {
        return Err(Problem::new("too-many-ids", "Too many product ids", 400)
            .with_detail(format!("at most {} ids per request", PricesRequest::MAX_IDS)));
    }
    let prices = store::prices(&db, &request.product_ids).await.map_err(|err| {
        tracing::error!(error = %err, "price lookup failed");
        Problem::new("internal", "Price lookup failed", 500)
    })?;
    let unknown = request
        .product_ids
        .iter()
        .copied()
        .filter(|id| !prices.iter().any(|p| p.product_id == *id))
        .collect();
    Ok(PricesReply { prices, unknown })
}
