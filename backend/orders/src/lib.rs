//! The orders service: places orders from the signed-in user's cart (prices re-checked with
//! the catalog, one order per idempotency key) and owns each order's state in the checkout
//! saga.
//!
//! HTTP (through the gateway at `/api/orders`, signed in): `POST /` (place), `GET /` (mine),
//! `GET /{id}` (one of mine), `GET /openapi.json`. NATS: asks `cart.snapshot` and
//! `catalog.prices`. Events: publishes `orders.created`, `orders.paid`, `orders.cancelled`,
//! `orders.status-changed` through the outbox, in the same transaction as each state change;
//! consumes inventory's and payments' answers. It never charges, holds stock or ships.

pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod routes;
pub mod startup;
pub mod state;
pub mod store;
