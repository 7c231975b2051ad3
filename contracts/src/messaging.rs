//! Domain events between services over NATS JetStream: the envelope every event travels in,
//! the trait tying an event type to its subject, and the streams that hold them.
//!
//! An event is published once by the service that owns the change (through its outbox), into
//! the stream of that service; any number of durable consumers read it. The envelope's `id`
//! is also the `Nats-Msg-Id`, so a relay that publishes twice is de-duplicated by the server
//! and a consumer that sees a redelivery can tell it has handled that event before.

use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// A domain event: past tense, with the subject it is published on.
pub trait DomainEvent: Serialize + DeserializeOwned {
    /// e.g. `orders.created`; the first token names the publishing service and its stream.
    const SUBJECT: &'static str;
}

/// What travels on the wire: the event with its identity and time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<E> {
    /// Unique per event (UUID v7); equals the `Nats-Msg-Id` header.
    pub id: String,
    /// When the change happened, RFC 3339 UTC.
    pub occurred_at: String,
    /// The event itself.
    pub event: E,
}

/// A JetStream stream: a name and the subjects it captures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamSpec {
    /// Stream name (upper case by convention).
    pub name: &'static str,
    /// Subjects, e.g. `orders.>`.
    pub subjects: &'static [&'static str],
}

/// Events published by the orders service.
pub const ORDERS_STREAM: StreamSpec = StreamSpec {
    name: "ORDERS",
    subjects: &["orders.>"],
};
/// Events published by the inventory service.
pub const INVENTORY_STREAM: StreamSpec = StreamSpec {
    name: "INVENTORY",
    subjects: &["inventory.>"],
};
/// Events published by the payments service.
pub const PAYMENTS_STREAM: StreamSpec = StreamSpec {
    name: "PAYMENTS",
    subjects: &["payments.>"],
};
/// Events published by the shipping service.
pub const SHIPPING_STREAM: StreamSpec = StreamSpec {
    name: "SHIPPING",
    subjects: &["shipping.>"],
};
/// Events published by the reviews service.
pub const REVIEWS_STREAM: StreamSpec = StreamSpec {
    name: "REVIEWS",
    subjects: &["reviews.>"],
};
/// Events no consumer could handle, kept for a person to look at: `deadletter.<consumer>`.
pub const DEAD_LETTER_STREAM: StreamSpec = StreamSpec {
    name: "DEADLETTER",
    subjects: &["deadletter.>"],
};

/// Every stream, so any service can make sure they exist before publishing or consuming.
pub const ALL_STREAMS: &[StreamSpec] = &[
    ORDERS_STREAM,
    REVIEWS_STREAM,
    INVENTORY_STREAM,
    PAYMENTS_STREAM,
    SHIPPING_STREAM,
    DEAD_LETTER_STREAM,
];

/// The subject a consumer's dead letters go to.
pub fn dead_letter_subject(consumer: &str) -> String {
    format!("deadletter.{consumer}")
}

/// The stream that holds `subject` (by its first token), if any.
pub fn stream_for(subject: &str) -> Option<StreamSpec> {
    let service = subject.split('.').next()?;
    ALL_STREAMS
        .iter()
        .copied()
        .find(|s| s.subjects.iter().any(|p| p.split('.').next() == Some(service)))
}

/// Headers a dead letter carries besides the original payload.
pub mod dead_letter_headers {
    /// The subject the event was first published on.
    pub const ORIGINAL_SUBJECT: &str = "Mercado-Original-Subject";
    /// Why the consumer gave up on it.
    pub const REASON: &str = "Mercado-Dead-Letter-Reason";
    /// How many times it was delivered.
    pub const DELIVERIES: &str = "Mercado-Deliveries";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subject_has_its_stream() {
        assert_eq!(stream_for("orders.created"), Some(ORDERS_STREAM));
        assert_eq!(stream_for("payments.succeeded"), Some(PAYMENTS_STREAM));
        assert_eq!(
            stream_for("deadletter.inventory-reserve"),
            Some(DEAD_LETTER_STREAM)
        );
        assert_eq!(stream_for("nobody.knows"), None);
        assert_eq!(dead_letter_subject("x"), "deadletter.x");
    }

    #[test]
    fn envelope_uses_camel_case() {
        let envelope = Envelope {
            id: "1".into(),
            occurred_at: "2026-11-25T00:00:00Z".into(),
            event: serde_json::json!({"a": 1}),
        };
        let json = serde_json::to_value(&envelope).unwrap();
        assert_eq!(json["occurredAt"], "2026-11-25T00:00:00Z");
        assert_eq!(json["event"]["a"], 1);
    }
}
