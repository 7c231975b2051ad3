//! What a provider event means for a payment session: the rule from Stripe's
//! `checkout.session.*` events to the three ways a session closes (paid, declined, expired),
//! or to nothing (an event the store does not act on).

use crate::provider::wire::{
    Event, PaymentStatus, SESSION_ASYNC_PAYMENT_FAILED, SESSION_ASYNC_PAYMENT_SUCCEEDED, SESSION_COMPLETED,
    SESSION_EXPIRED,
};

/// How an event closes a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    /// The provider's session id (`data.object.id`).
    pub session_id: String,
    /// The session's new status: `PAID`, `FAILED` or `EXPIRED`.
    pub status: &'static str,
    /// Why it failed, for the shopper (`payments.failed`); none when paid.
    pub reason: Option<&'static str>,
}

/// The shopper's payment was refused.
pub const DECLINED: &str = "Payment declined.";
/// Nobody paid in time.
pub const TIMED_OUT: &str = "Payment timed out.";

/// What `event` does to its session: `Ok(None)` for events that close nothing — other
/// types (a Stripe endpoint may be subscribed to more), and a completed session whose
/// delayed payment is still pending (its `async_payment_*` event settles it). `Err` when a
/// `checkout.session.*` event does not carry a Checkout Session.
pub fn closing(event: &Event) -> Result<Option<Closing>, String> {
    let (status, reason) = match event.kind.as_str() {
        SESSION_COMPLETED | SESSION_ASYNC_PAYMENT_SUCCEEDED => ("PAID", None),
        SESSION_ASYNC_PAYMENT_FAILED => ("FAILED", Some(DECLINED)),
        SESSION_EXPIRED => ("EXPIRED", Some(TIMED_OUT)),
        _ => return Ok(None),
    };
    let session = event
        .checkout_session()
        .map_err(|e| format!("{} without a checkout session: {e}", event.kind))?;
    let paid = matches!(
        session.payment_status,
        PaymentStatus::Paid | PaymentStatus::NoPaymentRequired
    );
    if event.kind == SESSION_COMPLETED && !paid {
        return Ok(None);
    }
    Ok(Some(Closing {
        session_id: session.id,
        status,
        reason,
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn event(kind: &str, payment_status: &str) -> Event {
        let body = json!({
            "id": "evt_1", "object": "event", "api_version": "2025-04-30.basil", "created": 1,
            "livemode": false, "pending_webhooks": 1, "type": kind,
            "request": {"id": null, "idempotency_key": null},
            "data": {"object": {
                "id": "cs_test_1", "object": "checkout.session", "amount_total": 100,
                "currency": "eur", "client_reference_id": "order-1", "created": 1,
                "expires_at": 2, "livemode": false, "metadata": {}, "mode": "payment",
                "payment_status": payment_status, "status": "complete",
                "success_url": "https://shop/ok", "cancel_url": null, "url": null
            }}
        });
        serde_json::from_value(body).unwrap_or_else(|e| panic!("{e}"))
    }

    fn status(kind: &str, payment_status: &str) -> Option<(&'static str, Option<&'static str>)> {
        closing(&event(kind, payment_status))
            .ok()
            .flatten()
            .map(|c| (c.status, c.reason))
    }

    #[test]
    fn completed_and_paid_closes_paid() {
        assert_eq!(status(SESSION_COMPLETED, "paid"), Some(("PAID", None)));
        assert_eq!(
            status(SESSION_COMPLETED, "no_payment_required"),
            Some(("PAID", None))
        );
        assert_eq!(
            status(SESSION_ASYNC_PAYMENT_SUCCEEDED, "paid"),
            Some(("PAID", None))
        );
    }

    #[test]
    fn a_completed_session_still_unpaid_waits_for_its_delayed_payment() {
        assert_eq!(status(SESSION_COMPLETED, "unpaid"), None);
        assert_eq!(
            status(SESSION_ASYNC_PAYMENT_FAILED, "unpaid"),
            Some(("FAILED", Some(DECLINED)))
        );
    }

    #[test]
    fn expired_fails_as_timed_out_and_other_types_close_nothing() {
        assert_eq!(
            status(SESSION_EXPIRED, "unpaid"),
            Some(("EXPIRED", Some(TIMED_OUT)))
        );
        assert_eq!(status("charge.refunded", "paid"), None);
    }

    #[test]
    fn a_session_event_without_a_session_is_an_error() {
        let mut odd = event(SESSION_COMPLETED, "paid");
        odd.data.object = json!({"id": "ch_1", "object": "charge"});
        assert!(closing(&odd).is_err());
    }
}
