//! Answers `ask.orders.purchased`: whether a user bought a product (reviews marks such reviews
//! "verified purchase").

use contracts::problem::Problem;
use contracts::reviews::{PurchaseCheck, PurchaseCheckRequest};
use kit::db::Pool;

use crate::store;

/// Starts the responder (queue group: orders replicas share requests).
pub async fn serve(
    nats: async_nats::Client,
    db: Pool,
) -> Result<tokio::task::JoinHandle<()>, kit::nats::NatsError> {
    kit::nats::serve_requests(nats, move |request: PurchaseCheckRequest| {
        answer(db.clone(), request)
    })
    .await
}

#[tracing::instrument(skip_all, fields(product_id = request.product_id))]
async fn answer(db: Pool, request: PurchaseCheckRequest) -> Result<PurchaseCheck, Problem> {
    let purchased = store::bought(&db, &request.user_id, request.product_id)
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "purchase check failed");
            Problem::new("internal", "Purchase lookup failed", 500)
        })?;
    Ok(PurchaseCheck { purchased })
}
