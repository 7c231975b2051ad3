//! The cart service's HTTP DTOs, and the limits the cart MFE shows before asking.
//!
//! A cart belongs to a signed-in user, or to an anonymous visitor through the HttpOnly cookie
//! [`CART_COOKIE`]; at the first request that carries both, the anonymous cart is merged into
//! the user's. Prices are always the catalog's current ones; a line whose price moved since it
//! was added says so, so the shopper is never surprised at checkout.

use serde::{Deserialize, Serialize};

use crate::catalog::Money;
use crate::orders::ItemQuantity;
use crate::subjects::{NatsRequest, CART_SNAPSHOT};

/// Most of one product in a cart.
pub const MAX_QUANTITY: u32 = 10;
/// Most distinct products in a cart.
pub const MAX_LINES: usize = 50;
/// The anonymous cart's cookie (HttpOnly; scripts and MFEs never read it).
pub const CART_COOKIE: &str = "mercado_cart";

/// One product in the cart, priced now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartLine {
    /// Product id.
    pub product_id: i64,
    /// Product name.
    pub name: String,
    /// How many, 1..=[`MAX_QUANTITY`].
    pub quantity: u32,
    /// The current price of one.
    pub unit_price: Money,
    /// `unit_price × quantity`.
    pub line_total: Money,
    /// The price when the line was added, if it has changed since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_was: Option<Money>,
}

/// The cart as the shopper sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartView {
    /// Lines, oldest first.
    pub lines: Vec<CartLine>,
    /// Sum of quantities (the header badge).
    pub item_count: u32,
    /// Sum of line totals.
    pub total: Money,
}

/// The part of a [`CartView`] the header's badge needs, read from the same JSON: a page that
/// only counts items need not decode (and ship the code for) every line and price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartCount {
    /// [`CartView::item_count`].
    pub item_count: u32,
}

/// `POST /items`: add some of a product (added to what is already there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddItemRequest {
    /// Product id.
    pub product_id: i64,
    /// How many to add, 1..=[`MAX_QUANTITY`].
    pub quantity: i64,
}

/// `PUT /items/{productId}`: set the quantity of a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetQuantityRequest {
    /// The new quantity, 1..=[`MAX_QUANTITY`] (remove a line with `DELETE`).
    pub quantity: i64,
}

/// Asks cart for what is in a user's cart (orders places an order from it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartSnapshotRequest {
    /// The user.
    pub user_id: String,
}

/// The products and quantities in a user's cart (prices are the catalog's business).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CartSnapshot {
    /// Lines, oldest first.
    pub items: Vec<ItemQuantity>,
}

impl NatsRequest for CartSnapshotRequest {
    const SUBJECT: &'static str = CART_SNAPSHOT;
    type Reply = CartSnapshot;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cart_view_reads_as_its_count() {
        let view = CartView {
            lines: Vec::new(),
            item_count: 7,
            total: Money::eur(0),
        };
        let json = serde_json::to_string(&view).unwrap();
        let count: CartCount = serde_json::from_str(&json).unwrap();
        assert_eq!(count.item_count, 7);
    }
}
