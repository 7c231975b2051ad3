//! Shipping in the saga: a shipment for every paid order, and the stand-in carrier that moves
//! parcels along.

pub mod carrier;
pub mod paid;
