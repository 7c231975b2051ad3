//! What the provider sends to the webhook (the sandbox's format; a Stripe adapter maps
//! Stripe's `checkout.session.*` events onto the same two outcomes).

use serde::{Deserialize, Serialize};

/// The session was paid.
pub const COMPLETED: &str = "checkout.session.completed";
/// The shopper's payment was declined.
pub const DECLINED: &str = "checkout.session.declined";

/// A provider event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderEvent {
    /// Unique per event: re-sent events carry the same id.
    pub id: String,
    /// [`COMPLETED`] or [`DECLINED`].
    #[serde(rename = "type")]
    pub kind: String,
    /// What it is about.
    pub data: ProviderEventData,
}

/// The session an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderEventData {
    /// Session id.
    pub session_id: String,
}
