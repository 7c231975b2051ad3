//! The catalog service: owns products, categories, their generated images and search.
//!
//! HTTP (through the gateway at `/api/catalog`): `GET /products` (paged, filtered, sorted,
//! full-text search), `GET /products/{id}`, `GET /products/{id}/image.svg`, `GET /categories`,
//! `GET /openapi.json`, plus health and metrics.
//! NATS: answers `catalog.prices` (`contracts::catalog::PricesRequest`) for cart and orders.
//! It publishes no events yet. It must not know about carts, orders or stock.

pub mod cache;
pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod routes;
pub mod startup;
pub mod state;
pub mod store;
