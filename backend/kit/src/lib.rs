//! What every Mercado service shares, so each service's own code is only its domain.
//!
//! - [`config`]: typed settings from the environment with defaults.
//! - [`telemetry`]: tracing setup (human or JSON logs) with the request id on every line.
//! - [`http`]: the standard layer stack — request id, trace, timeout, compression, metrics.
//! - [`health`]: `/healthz`, `/readyz` and `/metrics` (Prometheus).
//! - [`problem`]: `application/problem+json` responses and extractors that reject with one.
//! - [`serve`]: bind, serve, and shut down gracefully on SIGTERM / Ctrl-C.
//! - [`service`]: the start every service with a database shares (port, database, NATS,
//!   streams), answering "not ready" on its port until they are there.
//! - [`nats`]: connect with retry; typed request-reply on top of `contracts::subjects`.
//! - [`auth`]: verify access tokens (keys from identity) and the [`auth::AuthUser`] extractor.
//! - [`ratelimit`]: keyed limits answered with 429 and `Retry-After`.
//! - [`bus`]: JetStream publish with de-duplication ids; durable consumers with bounded retries
//!   and dead letters.
//! - [`outbox`] / [`inbox`]: events written with the state change; consumers that handle each
//!   event once.
//! - [`clock`]: timestamps as events and tables want them.
//! - [`digest`]: fingerprints of secrets (SHA-256 hex), stored instead of them.
//! - [`cookies`]: HttpOnly cookies with the right attributes (refresh token, anonymous cart).
//! - [`openapi`]: pieces shared by the services' OpenAPI documents.
//! - [`db`]: the service's database, SQLite or PostgreSQL behind one pool, and its migrations.
//! - [`validate`]: input shapes many services check alike (ids).
//! - `testing` (feature `testing`): a real nats-server on a free port, fresh databases.
//!
//! It must not hold business rules or know any particular service.

pub mod auth;
pub mod bus;
pub mod clock;
pub mod config;
pub mod cookies;
pub mod db;
pub mod digest;
pub mod health;
pub mod http;
pub mod inbox;
pub mod nats;
pub mod openapi;
pub mod outbox;
pub mod problem;
pub mod ratelimit;
pub mod serve;
pub mod service;
pub mod telemetry;
pub mod validate;

#[cfg(feature = "testing")]
pub mod testing;
