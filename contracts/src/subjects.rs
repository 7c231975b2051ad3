//! NATS subjects for request-reply between services, and the trait that ties a request
//! type to its subject and reply type so callers cannot mismatch them.

use serde::{de::DeserializeOwned, Serialize};

/// Catalog answers with current prices: [`crate::catalog::PricesRequest`].
pub const CATALOG_PRICES: &str = "catalog.prices";

/// Cart answers with what is in a user's cart: [`crate::cart::CartSnapshotRequest`].
pub const CART_SNAPSHOT: &str = "cart.snapshot";

/// Identity answers with its public signing keys: [`crate::identity::JwksRequest`].
pub const IDENTITY_JWKS: &str = "identity.jwks";

/// Orders answers whether a user bought a product: [`crate::reviews::PurchaseCheckRequest`].
///
/// Not under `orders.`: a service that publishes events has a stream capturing
/// `<service>.>`, and a request on such a subject would be stored and acknowledged by
/// JetStream instead of answered. Queries to those services live under `ask.<service>.`.
pub const ORDERS_PURCHASED: &str = "ask.orders.purchased";

/// Every request-reply subject (tests check no stream captures one).
pub const ALL_REQUESTS: &[&str] = &[CATALOG_PRICES, CART_SNAPSHOT, IDENTITY_JWKS, ORDERS_PURCHASED];

/// A request answered over NATS request-reply.
///
/// The subject is an associated constant, so `bus.request(&PricesRequest { .. })` needs no
/// string at the call site and the reply type is known statically.
pub trait NatsRequest: Serialize + DeserializeOwned {
    /// The subject the serving service subscribes to (with a queue group).
    const SUBJECT: &'static str;
    /// What the server answers on success.
    type Reply: Serialize + DeserializeOwned;
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_stream_captures_a_request_subject() {
        for subject in super::ALL_REQUESTS {
            assert!(
                crate::messaging::stream_for(subject).is_none(),
                "{subject} would be stored by JetStream instead of answered"
            );
        }
    }
}
