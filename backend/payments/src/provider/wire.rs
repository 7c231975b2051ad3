//! Stripe's wire format, the part of it the store uses: the parameters that create a Checkout
//! Session (form-encoded, nested keys in brackets), the Checkout Session object, the Event
//! object that carries one to a webhook, and Stripe's error body.
//!
//! Both sides speak it: the [client](super::client) writes requests and reads sessions, and
//! the [sandbox](crate::sandbox) reads requests and writes sessions and events. Fields Stripe
//! sends that the store does not need are ignored when read (serde's default), so a real
//! Stripe answer with its fifty-odd fields parses into the same types.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The Stripe API version requests ask for (`Stripe-Version`) and the sandbox's events carry:
/// pinned, so an account's default version changing does not change the shapes we read.
pub const API_VERSION: &str = "2025-04-30.basil";

/// `object` of a Checkout Session.
pub const SESSION_OBJECT: &str = "checkout.session";
/// `object` of an Event.
pub const EVENT_OBJECT: &str = "event";

/// The shopper finished Checkout; paid unless `payment_status` says `unpaid` (a delayed
/// payment method, settled later by one of the two `async_payment_*` events).
pub const SESSION_COMPLETED: &str = "checkout.session.completed";
/// The session expired (its `expires_at` passed, or it was expired through the API).
pub const SESSION_EXPIRED: &str = "checkout.session.expired";
/// A delayed payment of a completed session went through.
pub const SESSION_ASYNC_PAYMENT_SUCCEEDED: &str = "checkout.session.async_payment_succeeded";
/// A delayed payment of a completed session failed: the sandbox's "Decline" sends this.
pub const SESSION_ASYNC_PAYMENT_FAILED: &str = "checkout.session.async_payment_failed";

/// `POST /v1/checkout/sessions`: what the store asks for (one-off payment of one line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateCheckoutSession {
    /// Always `payment` here (Stripe also knows `setup` and `subscription`).
    pub mode: String,
    /// What is bought; the total is the sum of `unit_amount × quantity`.
    pub line_items: Vec<LineItem>,
    /// The store's own reference, echoed on the session and its events: the order id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_reference_id: Option<String>,
    /// Free key-value pairs echoed on the session.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// Where the shopper goes after paying (`{CHECKOUT_SESSION_ID}` is replaced).
    pub success_url: String,
    /// Where the shopper goes on giving up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    /// When the session expires (Unix seconds, 30 minutes to 24 hours ahead; default 24 h).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

/// One line of a session, priced inline (`price_data`) rather than by a catalogue price id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItem {
    /// The price of one unit.
    pub price_data: PriceData,
    /// How many units.
    pub quantity: i64,
}

/// An inline price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceData {
    /// Lower-case ISO 4217 code (`eur`).
    pub currency: String,
    /// Minor units (cents).
    pub unit_amount: i64,
    /// The product shown on the pay page.
    pub product_data: ProductData,
}

/// An inline product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductData {
    /// Its name on the pay page.
    pub name: String,
}

/// `status` of a Checkout Session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// Waiting for the shopper.
    Open,
    /// The shopper finished (see `payment_status` for the money).
    Complete,
    /// No longer payable.
    Expired,
    /// A value this build does not know.
    #[serde(other)]
    Unknown,
}

/// `payment_status` of a Checkout Session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// The money is there.
    Paid,
    /// Not (yet) paid.
    Unpaid,
    /// Nothing to pay (a zero total); counts as paid.
    NoPaymentRequired,
    /// A value this build does not know.
    #[serde(other)]
    Unknown,
}

/// The Checkout Session object, as far as the store reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutSession {
    /// `cs_…`.
    pub id: String,
    /// Always [`SESSION_OBJECT`].
    pub object: String,
    /// The total in minor units.
    pub amount_total: Option<i64>,
    /// Lower-case ISO 4217 code.
    pub currency: Option<String>,
    /// The store's reference (the order id).
    pub client_reference_id: Option<String>,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds after which it cannot be paid.
    pub expires_at: i64,
    /// Whether real money moves (false for test keys and the sandbox).
    pub livemode: bool,
    /// What the store attached.
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
    /// `payment` here.
    pub mode: String,
    /// Whether the money is there.
    pub payment_status: PaymentStatus,
    /// Open, complete or expired (Stripe documents it as nullable).
    pub status: Option<SessionStatus>,
    /// Where the shopper goes after paying.
    pub success_url: Option<String>,
    /// Where the shopper goes on giving up.
    pub cancel_url: Option<String>,
    /// The hosted pay page; only while the session is open.
    pub url: Option<String>,
}

/// An Event: what a webhook receives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `evt_…`: unique per event, the same on every re-delivery of it.
    pub id: String,
    /// Always [`EVENT_OBJECT`].
    pub object: String,
    /// The API version the object is rendered in.
    pub api_version: Option<String>,
    /// Unix seconds.
    pub created: i64,
    /// What it is about.
    pub data: EventData,
    /// Whether real money moves.
    pub livemode: bool,
    /// Webhooks not yet delivered successfully.
    #[serde(default)]
    pub pending_webhooks: i64,
    /// The API request that caused it, if any.
    #[serde(default)]
    pub request: Option<EventRequest>,
    /// `checkout.session.completed`, …
    #[serde(rename = "type")]
    pub kind: String,
}

/// `data` of an Event: the object as it was when the event happened. Kept as JSON because
/// its type depends on the event's type (read with [`Event::checkout_session`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    /// The object.
    pub object: serde_json::Value,
}

/// `request` of an Event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRequest {
    /// The request id (`req_…`), none for events not caused by an API call.
    pub id: Option<String>,
    /// The request's idempotency key.
    pub idempotency_key: Option<String>,
}

impl Event {
    /// The Checkout Session the event carries (for the `checkout.session.*` types).
    pub fn checkout_session(&self) -> Result<CheckoutSession, serde_json::Error> {
        CheckoutSession::deserialize(&self.data.object)
    }
}

/// Stripe's error body: `{"error": {"type": …, "message": …}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ApiError,
}

/// One API error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// `invalid_request_error`, `api_error`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// For a person.
    pub message: String,
    /// A short machine code (`resource_missing`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The parameter at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
}
