//! Integration tests: the real inventory with its own database and a real nats-server,
//! driven by the events orders would publish.
// Test helpers (not only #[test] fns) may unwrap: a panic here is a failed test.
#![allow(clippy::unwrap_used)]

mod helpers;
mod replicas;
mod saga;
