//! Integration tests: the real shipping service with its own database, a real nats-server and
//! the real identity (for tokens), driven by `orders.paid` as orders publishes it.
// Test helpers (not only #[test] fns) may unwrap: a panic here is a failed test.
#![allow(clippy::unwrap_used)]

mod helpers;
mod replicas;
mod shipments;
