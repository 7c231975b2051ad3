//! Inventory: a product's stock level as the service answers it, and the events it publishes
//! in the checkout saga — whether it could hold the stock of an order (`inventory.reserved`)
//! or not (`inventory.rejected`).
//!
//! It reacts to `orders.created` (reserve), `orders.paid` (commit) and `orders.cancelled`
//! (release); the saga as a whole is drawn in [`crate::orders`].

use serde::{Deserialize, Serialize};

use crate::catalog::Money;
use crate::messaging::DomainEvent;

/// `GET /api/inventory/stock/{productId}`: how many units of a product can still be ordered.
///
/// The inventory service answers it (today from its own copy of this shape, with the same
/// wire form; it can switch to this one without a client noticing), and the gateway's product
/// page ([`crate::pages::ProductPageView`]) carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StockLevel {
    /// Product id.
    pub product_id: i64,
    /// Units that can still be ordered (on hand minus held for unpaid orders).
    pub available: i64,
}

/// Inventory holds the stock for an order: payments may charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryReserved {
    /// Order id.
    pub order_id: String,
    /// What to charge (carried on so payments needs no lookup).
    pub total: Money,
}

impl DomainEvent for InventoryReserved {
    const SUBJECT: &'static str = "inventory.reserved";
}

/// Inventory could not hold the stock: the order is cancelled, nothing charged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryRejected {
    /// Order id.
    pub order_id: String,
    /// Products short of stock.
    pub short: Vec<i64>,
    /// Why, for the shopper.
    pub reason: String,
}

impl DomainEvent for InventoryRejected {
    const SUBJECT: &'static str = "inventory.rejected";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messaging::{stream_for, INVENTORY_STREAM};

    #[test]
    fn every_event_is_in_the_inventory_stream() {
        for subject in [InventoryReserved::SUBJECT, InventoryRejected::SUBJECT] {
            assert_eq!(stream_for(subject), Some(INVENTORY_STREAM), "{subject}");
        }
    }
}
