//! Integration tests: the real reviews service with the real identity, catalog and orders
//! around one nats-server.
// Test helpers (not only #[test] fns) may unwrap: a panic here is a failed test.
#![allow(clippy::unwrap_used)]

mod bad_input;
mod helpers;
mod reviews;
