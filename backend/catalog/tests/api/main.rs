//! Integration tests: the real catalog on port 0 with a fresh SQLite file and a real nats-server.
// Test helpers (not only #[test] fns) may unwrap: a panic here is a failed test.
#![allow(clippy::unwrap_used)]

mod bad_input;
mod helpers;
mod prices;
mod products;
mod ratings;
