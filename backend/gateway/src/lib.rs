//! The gateway: Mercado's single public entry.
//!
//! It serves the built web (the shell and `/mfe/*` micro-frontends: hashed assets
//! `immutable`, manifest and HTML `no-cache`, compressed), reverse-proxies `/api/<service>/…`
//! to each service with the prefix stripped, a request id and forwarding headers
//! ([`forwarding`]), and shields the store from a failing service ([`upstream`]: a deadline on
//! the whole answer, a circuit breaker per address, one retry at another address): problem+json
//! 502/503/504 when a service is down or slow, 413 when a body is larger than its route takes. Deep links fall back to
//! the shell so every page survives a reload. It checks access tokens against the route table
//! ([`access`]) and limits request rates per client ([`limits`]). `/api/events` streams each
//! signed-in user's own order updates from NATS ([`feed`]). `/partner/v1/…` is the partner API:
//! keys from identity, per-key limits, a stable shape mapped from the catalog's ([`partner`]).
//! It speaks HTTP/1.1 itself, to clients ([`front`]) and to services ([`upstream::h1`]).
//! It owns no data and holds no business rules.

pub mod access;
pub mod aggregate;
pub mod config;
pub mod context;
pub mod error;
pub mod feed;
pub mod forwarding;
pub mod front;
pub mod headers;
pub mod limits;
pub mod observe;
pub mod partner;
pub mod routes;
pub mod startup;
pub mod state;
pub mod upstream;
pub mod wire;
