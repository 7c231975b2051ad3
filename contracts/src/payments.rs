//! Payments: the events the payments service publishes in the checkout saga — a payment
//! session opened for a reserved order (`payments.session-created`), and how it ended
//! (`payments.succeeded`, `payments.failed`).
//!
//! It reacts to `inventory.reserved`; the saga as a whole is drawn in [`crate::orders`]. The
//! provider's webhook and pay page are the payments service's own, not shared contracts.

use serde::{Deserialize, Serialize};

use crate::messaging::DomainEvent;

/// A payment session is open: the shopper pays at `checkout_url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentSessionCreated {
    /// Order id.
    pub order_id: String,
    /// The provider's session id.
    pub session_id: String,
    /// The provider's hosted pay page.
    pub checkout_url: String,
}

impl DomainEvent for PaymentSessionCreated {
    const SUBJECT: &'static str = "payments.session-created";
}

/// The provider confirmed the payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentSucceeded {
    /// Order id.
    pub order_id: String,
    /// The provider's session id.
    pub session_id: String,
}

impl DomainEvent for PaymentSucceeded {
    const SUBJECT: &'static str = "payments.succeeded";
}

/// The payment was declined or timed out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentFailed {
    /// Order id.
    pub order_id: String,
    /// Why, for the shopper.
    pub reason: String,
}

impl DomainEvent for PaymentFailed {
    const SUBJECT: &'static str = "payments.failed";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messaging::{stream_for, PAYMENTS_STREAM};

    #[test]
    fn every_event_is_in_the_payments_stream() {
        for subject in [
            PaymentSessionCreated::SUBJECT,
            PaymentSucceeded::SUBJECT,
            PaymentFailed::SUBJECT,
        ] {
            assert_eq!(stream_for(subject), Some(PAYMENTS_STREAM), "{subject}");
        }
    }
}
