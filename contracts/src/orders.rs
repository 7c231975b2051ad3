//! Orders: the HTTP DTOs of the orders service, the `orders.*` events it publishes, and the
//! value types the other steps of the checkout saga carry ([`ItemQuantity`],
//! [`ShippingAddress`]).
//!
//! The saga is a choreography — each service reacts to the others' events, each defined in
//! the module of the service that publishes it ([`crate::inventory`], [`crate::payments`],
//! [`crate::shipping`] and this one):
//!
//! ```text
//! orders.created ─▶ inventory reserves ─▶ inventory.reserved ─▶ payments opens a session
//!                                    └─▶ inventory.rejected ─▶ orders CANCELLED
//! payments.session-created ─▶ orders AWAITING_PAYMENT (the shopper pays at checkout_url)
//! payments.succeeded ─▶ orders PAID ─▶ orders.paid ─▶ inventory commits, cart clears,
//!                                                     shipping creates a shipment
//! payments.failed ─▶ orders CANCELLED ─▶ orders.cancelled ─▶ inventory releases
//! shipping.shipment-created ─▶ orders SHIPPED
//! ```
//!
//! Every status change is also published as `orders.status-changed` for the shopper's open
//! pages (the gateway's server-sent events).

use serde::{Deserialize, Serialize};

use crate::catalog::Money;
use crate::messaging::DomainEvent;

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrderStatus {
    /// Placed; stock is being reserved.
    Pending,
    /// Stock reserved; waiting for the shopper to pay.
    AwaitingPayment,
    /// Paid; being packed.
    Paid,
    /// Handed to the carrier.
    Shipped,
    /// Will not happen (see the reason).
    Cancelled,
}

impl OrderStatus {
    /// The wire and database form, e.g. `AWAITING_PAYMENT`.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Pending => "PENDING",
            OrderStatus::AwaitingPayment => "AWAITING_PAYMENT",
            OrderStatus::Paid => "PAID",
            OrderStatus::Shipped => "SHIPPED",
            OrderStatus::Cancelled => "CANCELLED",
        }
    }

    /// Parses [`OrderStatus::as_str`]'s form.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::AwaitingPayment,
            Self::Paid,
            Self::Shipped,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// Whether the order can still change.
    pub fn is_final(self) -> bool {
        matches!(self, OrderStatus::Shipped | OrderStatus::Cancelled)
    }
}

/// Where to send the parcel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShippingAddress {
    /// Recipient.
    pub name: String,
    /// Street and number.
    pub line1: String,
    /// Flat, floor… (optional).
    #[serde(default)]
    pub line2: String,
    /// Postal code.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2 country code, e.g. `PT`.
    pub country: String,
}

/// `POST /orders`: place an order for everything in the signed-in user's cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceOrderRequest {
    /// Where to ship.
    pub shipping_address: ShippingAddress,
    /// The total the shopper saw and agreed to, in cents; if prices moved since, the order is
    /// refused with 409 and the shopper sees the new total first.
    pub expected_total_cents: i64,
}

/// `GET /orders/preview`: what placing an order now would buy and charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderPreview {
    /// The cart's lines at today's prices.
    pub lines: Vec<OrderLine>,
    /// What would be charged (send it back as `expectedTotalCents`).
    pub total: Money,
}

/// One line of an order, at the price charged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLine {
    /// Product id.
    pub product_id: i64,
    /// Product name when ordered.
    pub name: String,
    /// How many.
    pub quantity: u32,
    /// Price of one when ordered.
    pub unit_price: Money,
}

/// One step in an order's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChange {
    /// The status entered.
    pub status: OrderStatus,
    /// When, RFC 3339.
    pub at: String,
    /// Why (for cancellations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An order as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderView {
    /// Order id (UUID).
    pub id: String,
    /// Current status.
    pub status: OrderStatus,
    /// Lines at the prices charged.
    pub lines: Vec<OrderLine>,
    /// Sum of the lines.
    pub total: Money,
    /// Where it goes.
    pub shipping_address: ShippingAddress,
    /// Where to pay, while AWAITING_PAYMENT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkout_url: Option<String>,
    /// Carrier tracking code, once shipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_code: Option<String>,
    /// Every status it went through, oldest first.
    pub history: Vec<StatusChange>,
    /// When it was placed, RFC 3339.
    pub placed_at: String,
}

/// A line as the saga's events carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemQuantity {
    /// Product id.
    pub product_id: i64,
    /// How many.
    pub quantity: u32,
}

/// An order was placed: inventory reserves its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCreated {
    /// Order id.
    pub order_id: String,
    /// Its owner.
    pub user_id: String,
    /// What to reserve.
    pub items: Vec<ItemQuantity>,
    /// What to charge.
    pub total: Money,
}

impl DomainEvent for OrderCreated {
    const SUBJECT: &'static str = "orders.created";
}

/// An order was paid: inventory commits, the cart clears, shipping ships.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderPaid {
    /// Order id.
    pub order_id: String,
    /// Its owner (whose cart to clear).
    pub user_id: String,
    /// What was bought.
    pub items: Vec<ItemQuantity>,
    /// Where it goes.
    pub shipping_address: ShippingAddress,
}

impl DomainEvent for OrderPaid {
    const SUBJECT: &'static str = "orders.paid";
}

/// An order will not happen: inventory releases what it reserved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCancelled {
    /// Order id.
    pub order_id: String,
    /// Its owner.
    pub user_id: String,
    /// Why, for the shopper.
    pub reason: String,
}

impl DomainEvent for OrderCancelled {
    const SUBJECT: &'static str = "orders.cancelled";
}

/// Any status change, for the owner's open pages (server-sent events).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatusChanged {
    /// Order id.
    pub order_id: String,
    /// Its owner (only they are told).
    pub user_id: String,
    /// The new status.
    pub status: OrderStatus,
}

impl DomainEvent for OrderStatusChanged {
    const SUBJECT: &'static str = "orders.status-changed";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messaging::{stream_for, ORDERS_STREAM};

    #[test]
    fn statuses_round_trip_and_every_event_is_in_the_orders_stream() {
        for status in [
            OrderStatus::Pending,
            OrderStatus::AwaitingPayment,
            OrderStatus::Paid,
            OrderStatus::Shipped,
            OrderStatus::Cancelled,
        ] {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        for subject in [
            OrderCreated::SUBJECT,
            OrderPaid::SUBJECT,
            OrderCancelled::SUBJECT,
            OrderStatusChanged::SUBJECT,
        ] {
            assert_eq!(stream_for(subject), Some(ORDERS_STREAM), "{subject}");
        }
    }
}
