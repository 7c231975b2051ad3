//! Answers `cart.snapshot`: the products and quantities in a user's cart.

use contracts::cart::{CartSnapshot, CartSnapshotRequest};
use contracts::orders::ItemQuantity;
use contracts::problem::Problem;
use kit::db::Pool;

use crate::store;

/// Starts the responder (queue group: cart replicas share requests).
pub async fn serve(
    nats: async_nats::Client,
    db: Pool,
) -> Result<tokio::task::JoinHandle<()>, kit::nats::NatsError> {
    kit::nats::serve_requests(nats, move |request: CartSnapshotRequest| {
        answer(db.clone(), request)
    })
    .await
}

#[tracing::instrument(skip_all)]
async fn answer(db: Pool, request: CartSnapshotRequest) -> Result<CartSnapshot, Problem> {
    let failed = |err: sqlx::Error| {
        tracing::error!(error = %err, "cart snapshot failed");
        Problem::new("internal", "Cart lookup failed", 500)
    };
    let Some(cart) = store::cart_of_user(&db, &request.user_id).await.map_err(failed)? else {
        return Ok(CartSnapshot::default());
    };
    let items = store::lines(&db, &cart)
        .await
        .map_err(failed)?
        .into_iter()
        .map(|l| ItemQuantity {
            product_id: l.product_id,
            quantity: l.quantity,
        })
        .collect();
    Ok(CartSnapshot { items })
}
