//! Inventory: the events the inventory service publishes in the checkout saga — whether it
//! could hold the stock of an order (`inventory.reserved`) or not (`inventory.rejected`).
//!
//! It reacts to `orders.created` (reserve), `orders.paid` (commit) and `orders.cancelled`
//! (release); the saga as a whole is drawn in [`crate::orders`].

use serde::{Deserialize, Serialize};

use crate::catalog::Money;
use crate::messaging::DomainEvent;

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
