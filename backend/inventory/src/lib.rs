//! The inventory service: owns stock per product and the reservations the checkout saga holds.
//!
//! HTTP (through the gateway at `/api/inventory`): `GET /stock/{productId}`, `GET /openapi.json`,
//! plus health. Events (JetStream, durable consumers, each handled once via the inbox):
//! `orders.created` → reserve every line or none → `inventory.reserved` / `inventory.rejected`;
//! `orders.paid` → commit (stock leaves); `orders.cancelled` → release. Published through the
//! outbox. It must not know prices, payments or who the shopper is.

pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod routes;
pub mod startup;
pub mod state;
pub mod store;
