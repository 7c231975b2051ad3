//! Integration tests: the real orders service with the real catalog, identity, cart and
//! inventory around one nats-server; payments' and shipping's answers are published as those
//! services publish them.
// Test helpers (not only #[test] fns) may unwrap: a panic here is a failed test.
#![allow(clippy::unwrap_used)]

mod bad_input;
mod checkout;
mod crash;
mod helpers;
mod saga;
