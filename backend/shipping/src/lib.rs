//! The shipping service: owns shipments and their tracking.
//!
//! On `orders.paid` it creates one shipment per order and publishes
//! `shipping.shipment-created` (orders moves to SHIPPED); a stand-in carrier then advances each
//! parcel (label created → in transit → out for delivery → delivered) and publishes
//! `shipping.status-changed`. HTTP (through the gateway at `/api/shipping`, signed in):
//! `GET /shipments/{orderId}` for the order's owner. It knows nothing of prices or payments.

pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod routes;
pub mod startup;
pub mod state;
pub mod store;
