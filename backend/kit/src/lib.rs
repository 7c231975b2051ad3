//! What every Mercado service shares, so each service's own code is only its domain.
//!
//! - [`config`]: typed settings from the environment with defaults.
//! - [`telemetry`]: tracing setup (human or JSON logs) with the request id on every line.
//! - [`http`]: the standard layer stack — request id, trace, timeout, compression, metrics.
//! - [`health`]: `/healthz`, `/readyz` and `/metrics` (Prometheus).
//! - [`problem`]: `application/problem+json` responses and extractors that reject with one.
//! - [`serve`]: bind, serve, and shut down gracefully on SIGTERM / Ctrl-C.
//! - [`nats`]: connect with retry; typed request-reply on top of `contracts::subjects`.
//! - [`auth`]: verify access tokens (keys from identity) and the [`auth::AuthUser`] extractor.
//! - [`ratelimit`]: keyed limits answered with 429 and `Retry-After`.
//! - [`db`]: open the service's database and run its migrations.
//! - `testing` (feature `testing`): a real nats-server on a free port, fresh databases.
//!
//! It must not hold business rules or know any particular service.

pub mod auth;
pub mod config;
pub mod db;
pub mod health;
pub mod http;
pub mod nats;
pub mod problem;
pub mod ratelimit;
pub mod serve;
pub mod telemetry;

#[cfg(feature = "testing")]
pub mod testing;
