//! Integration tests: the real identity service on port 0 with a fresh database (a SQLite
//! file, or PostgreSQL when `MERCADO_TEST_POSTGRES` names a server) and a real nats-server,
//! reached over HTTP like the gateway reaches it.
// Test helpers (not only #[test] fns) may unwrap: a panic here is a failed test.
#![allow(clippy::unwrap_used)]

mod helpers;
mod logs;
mod partner_keys;
mod refresh;
mod register;
mod sign_in;
mod throttle;
mod tokens;
