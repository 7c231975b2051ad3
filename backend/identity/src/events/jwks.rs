//! Answers `identity.jwks` with the published public keys, for every service's verifier.

use contracts::identity::{Jwks, JwksRequest};
use contracts::problem::Problem;

use crate::state::AppState;

/// Starts the responder (queue group: identity replicas share requests).
pub async fn serve(state: AppState) -> Result<tokio::task::JoinHandle<()>, kit::nats::NatsError> {
    kit::nats::serve_requests(state.nats.clone(), move |_: JwksRequest| {
        let state = state.clone();
        async move { Ok::<Jwks, Problem>(state.key_ring().jwks()) }
    })
    .await
}
