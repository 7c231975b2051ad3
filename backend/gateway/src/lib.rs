//! The gateway: Mercado's single public entry.
//!
//! It serves the built web (the shell and `/mfe/*` micro-frontends: hashed assets
//! `immutable`, manifest and HTML `no-cache`, compressed), reverse-proxies `/api/<service>/…`
//! to each service with the prefix stripped, a request id, forwarding headers and a timeout,
//! and answers problem+json 502/504 when a service is down or slow. Deep links fall back to
//! the shell so every page survives a reload. It checks access tokens against the route table
//! ([`access`]) and limits request rates per client ([`limits`]). `/api/events` streams each
//! signed-in user's own order updates from NATS ([`feed`]). It owns no data and holds no
//! business rules.

pub mod access;
pub mod config;
pub mod error;
pub mod feed;
pub mod limits;
pub mod routes;
pub mod startup;
pub mod state;
