//! Integration tests: the real cart with its own database, a real nats-server, and the real
//! catalog (prices) and identity (tokens) beside it.
// Test helpers (not only #[test] fns) may unwrap: a panic here is a failed test.
#![allow(clippy::unwrap_used)]

mod bad_input;
mod carts;
mod helpers;
