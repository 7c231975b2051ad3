//! Shipping: the shipping service's HTTP DTOs (a parcel and its tracking) and the events it
//! publishes — a shipment created for a paid order (`shipping.shipment-created`) and each
//! step the parcel takes (`shipping.status-changed`).
//!
//! It reacts to `orders.paid`; the saga as a whole is drawn in [`crate::orders`].

use serde::{Deserialize, Serialize};

use crate::messaging::DomainEvent;

/// A shipment exists for a paid order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentCreated {
    /// Order id.
    pub order_id: String,
    /// Carrier tracking code.
    pub tracking_code: String,
}

impl DomainEvent for ShipmentCreated {
    const SUBJECT: &'static str = "shipping.shipment-created";
}

/// Where a parcel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ShipmentStatus {
    /// The label is printed; the parcel is being packed.
    LabelCreated,
    /// With the carrier.
    InTransit,
    /// On the van.
    OutForDelivery,
    /// Handed over.
    Delivered,
}

impl ShipmentStatus {
    /// The wire and database form.
    pub fn as_str(self) -> &'static str {
        match self {
            ShipmentStatus::LabelCreated => "LABEL_CREATED",
            ShipmentStatus::InTransit => "IN_TRANSIT",
            ShipmentStatus::OutForDelivery => "OUT_FOR_DELIVERY",
            ShipmentStatus::Delivered => "DELIVERED",
        }
    }

    /// Parses [`ShipmentStatus::as_str`]'s form.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::LabelCreated,
            Self::InTransit,
            Self::OutForDelivery,
            Self::Delivered,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// The step after this one (`None` once delivered).
    pub fn next(self) -> Option<Self> {
        match self {
            ShipmentStatus::LabelCreated => Some(ShipmentStatus::InTransit),
            ShipmentStatus::InTransit => Some(ShipmentStatus::OutForDelivery),
            ShipmentStatus::OutForDelivery => Some(ShipmentStatus::Delivered),
            ShipmentStatus::Delivered => None,
        }
    }
}

/// One tracking step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackingEvent {
    /// The status reached.
    pub status: ShipmentStatus,
    /// When, RFC 3339.
    pub at: String,
}

/// `GET /api/shipping/shipments/{orderId}`: a parcel and its tracking, for its owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShipmentView {
    /// The order shipped.
    pub order_id: String,
    /// Carrier tracking code.
    pub tracking_code: String,
    /// Where it is now.
    pub status: ShipmentStatus,
    /// Every step so far, oldest first.
    pub events: Vec<TrackingEvent>,
}

/// A parcel moved on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentStatusChanged {
    /// The order.
    pub order_id: String,
    /// Its owner.
    pub user_id: String,
    /// Where it is now.
    pub status: ShipmentStatus,
}

impl DomainEvent for ShipmentStatusChanged {
    const SUBJECT: &'static str = "shipping.status-changed";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messaging::{stream_for, SHIPPING_STREAM};

    #[test]
    fn statuses_round_trip_in_order_and_every_event_is_in_the_shipping_stream() {
        let mut status = Some(ShipmentStatus::LabelCreated);
        let mut steps = 0;
        while let Some(current) = status {
            assert_eq!(ShipmentStatus::parse(current.as_str()), Some(current));
            assert_eq!(serde_json::to_value(current).unwrap(), current.as_str());
            status = current.next();
            steps += 1;
        }
        assert_eq!(steps, 4, "label, transit, out for delivery, delivered");
        for subject in [ShipmentCreated::SUBJECT, ShipmentStatusChanged::SUBJECT] {
            assert_eq!(stream_for(subject), Some(SHIPPING_STREAM), "{subject}");
        }
    }
}
