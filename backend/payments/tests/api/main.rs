//! Integration tests: the real payments service (with its sandbox provider) on its own
//! database and a real nats-server, driven by `inventory.reserved` as inventory publishes it.
// Test helpers (not only #[test] fns) may unwrap: a panic here is a failed test.
#![allow(clippy::unwrap_used)]

mod helpers;
mod provider;
mod replicas;
mod sessions;
mod webhook;
