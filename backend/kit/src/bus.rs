//! JetStream for domain events: publishing with de-duplication ids, and durable consumers
//! that ack explicitly, retry a bounded number of times, and dead-letter what they cannot
//! handle instead of blocking their stream.
//!
//! Delivery is at least once. Publishers set `Nats-Msg-Id` to the envelope id, so the server
//! drops a re-publish inside its duplicate window; consumers must still be idempotent (see
//! [`crate::inbox`]), because a crash between handling and ack means a redelivery.
//!
//! A consumer handles up to [`IN_FLIGHT`] events at once, so one event's acknowledgement, its
//! outbox relay and its wait for the database overlap with the next ones' work. Handlers must
//! therefore not rely on the order of events *within* one consumer; the saga never did (each
//! consumer sees one event per order, and every handler checks the order's state), and read
//! models keep the newest revision. Writes still happen one at a time, in arrival order, on
//! [`crate::db::begin_write`]'s gate.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, consumer::pull, consumer::AckPolicy, message::PublishMessage, AckKind};
use async_nats::{Client, HeaderMap};
use bytes::Bytes;
use contracts::messaging::{
    dead_letter_headers, dead_letter_subject, stream_for, DomainEvent, Envelope, StreamSpec,
};
use futures::TryStreamExt;
use tracing::Instrument;

use crate::telemetry;

/// How long the server de-duplicates a `Nats-Msg-Id`.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);
/// How long a delivered event may take before the server redelivers it.
const ACK_WAIT: Duration = Duration::from_secs(30);
/// Events one consumer handles at once.
pub const IN_FLIGHT: usize = 16;

/// Publishing or consuming failed.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// A stream could not be created or found.
    #[error("stream {stream}: {reason}")]
    Stream {
        /// Stream name.
        stream: String,
        /// What the server said.
        reason: String,
    },
    /// No stream captures this subject (a contracts mistake).
    #[error("no stream captures {0}")]
    NoStream(String),
    /// The server did not confirm a publish.
    #[error("publish on {subject} failed: {reason}")]
    Publish {
        /// Subject.
        subject: String,
        /// Why.
        reason: String,
    },
    /// The payload could not be encoded.
    #[error("cannot encode {0}")]
    Encode(String),
}

/// Why a handler did not handle an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandleError {
    /// Might work later (database busy, a service unreachable): redeliver with backoff, up to
    /// [`RetryPolicy::max_deliveries`], then dead-letter.
    Retry(String),
    /// Can never work (the event contradicts our state): dead-letter now.
    Reject(String),
}

/// A database that fails a step may well work on the next delivery (busy, a failover).
impl From<sqlx::Error> for HandleError {
    fn from(err: sqlx::Error) -> Self {
        HandleError::Retry(err.to_string())
    }
}

/// How consumers retry: deliveries before dead-lettering, and the first backoff (doubling,
/// capped at 30 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Deliveries of one event before it is dead-lettered.
    pub max_deliveries: i64,
    /// Wait before the second delivery.
    pub first_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_deliveries: 5,
            first_backoff: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    /// The wait before delivery number `deliveries + 1`.
    fn backoff(&self, deliveries: i64) -> Duration {
        let exponent = deliveries.clamp(1, 16) as u32 - 1;
        (self.first_backoff * 2u32.pow(exponent)).min(Duration::from_secs(30))
    }
}

/// A durable consumer: its name, and whether the server may forget it.
///
/// A service's work consumers (`"orders-stock-reserved"`) are [`Durable::shared`]: every
/// replica pulls from one consumer, so each event is handled once. A read model copied into
/// a service's own database needs a consumer *per copy* ([`Durable::per_copy`]): a copy
/// whose database was lost gets a new name, so it starts again from the stream's first event,
/// and the server forgets the old copy's consumer after it idles for a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Durable {
    name: Arc<str>,
    forget_after_idle: Option<Duration>,
}

impl Durable {
    /// One consumer for all replicas of a service, kept by the server for good.
    pub fn shared(name: &'static str) -> Self {
        Self {
            name: name.into(),
            forget_after_idle: None,
        }
    }

    /// The consumer of one copy of a read model; the server deletes it once nobody has
    /// pulled from it for `idle`.
    pub fn per_copy(name: impl Into<Arc<str>>, idle: Duration) -> Self {
        Self {
            name: name.into(),
            forget_after_idle: Some(idle),
        }
    }

    /// The consumer's name on the server.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl From<&'static str> for Durable {
    fn from(name: &'static str) -> Self {
        Durable::shared(name)
    }
}

/// The most copies JetStream keeps of one stream.
pub const MAX_STREAM_REPLICAS: usize = 5;

/// A JetStream handle shared by a service's publishers and consumers.
#[derive(Clone)]
pub struct Bus {
    js: jetstream::Context,
    retry: RetryPolicy,
    replicas: usize,
}

impl Bus {
    /// The JetStream context, for the test helpers that inspect consumers.
    #[cfg(feature = "testing")]
    pub(crate) fn jetstream(&self) -> &jetstream::Context {
        &self.js
    }

    /// A bus over an existing NATS connection, with the default retry policy, creating
    /// streams with one copy (a single nats-server).
    pub fn new(client: Client) -> Self {
        Self {
            js: jetstream::new(client),
            retry: RetryPolicy::default(),
            replicas: 1,
        }
    }

    /// The same bus keeping `replicas` copies of every stream it creates, each on its own
    /// node of a NATS cluster, so that the saga's events outlive a node (1 to
    /// [`MAX_STREAM_REPLICAS`]; durable consumers follow their stream's count).
    pub fn with_replicas(mut self, replicas: usize) -> Self {
        self.replicas = replicas.clamp(1, MAX_STREAM_REPLICAS);
        self
    }

    /// The same bus with consumers retrying by `retry`.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Creates the streams that do not exist yet (file storage, two-minute de-duplication,
    /// this bus's number of copies), and gives an existing stream that number of copies when
    /// it has another: raising it on a running cluster is how an operator moves from one
    /// copy to three, and the server copies the stream to the new nodes itself.
    pub async fn ensure_streams(&self, streams: &[StreamSpec]) -> Result<(), BusError> {
        for spec in streams {
            let failed = |reason: String| BusError::Stream {
                stream: spec.name.into(),
                reason,
            };
            let config = jetstream::stream::Config {
                name: spec.name.to_string(),
                subjects: spec.subjects.iter().map(|s| s.to_string()).collect(),
                storage: jetstream::stream::StorageType::File,
                duplicate_window: DUPLICATE_WINDOW,
                num_replicas: self.replicas,
                ..Default::default()
            };
            let stream = self
                .js
                .get_or_create_stream(config)
                .await
                .map_err(|e| failed(e.to_string()))?;
            let existing = &stream.cached_info().config;
            if existing.num_replicas.max(1) != self.replicas {
                let mut resized = existing.clone();
                resized.num_replicas = self.replicas;
                self.js
                    .update_stream(&resized)
                    .await
                    .map_err(|e| failed(format!("keeping {} copies: {e}", self.replicas)))?;
                tracing::info!(
                    stream = spec.name,
                    replicas = self.replicas,
                    "stream copies changed"
                );
            }
        }
        Ok(())
    }

    /// Publishes an already encoded event as part of the current span's trace and waits for
    /// the server to store it. Returns whether the server recognised it as a duplicate of one
    /// it already has.
    pub async fn publish_raw(&self, subject: &str, id: &str, payload: Bytes) -> Result<bool, BusError> {
        let traceparent = telemetry::current_traceparent();
        self.publish_traced(subject, id, payload, traceparent.as_deref())
            .await
    }

    /// Publishes an already encoded event carrying `traceparent` in its headers, so its
    /// consumers' spans join that trace (the outbox relay: the writer's span is long gone).
    pub async fn publish_traced(
        &self,
        subject: &str,
        id: &str,
        payload: Bytes,
        traceparent: Option<&str>,
    ) -> Result<bool, BusError> {
        let mut message = PublishMessage::build().payload(payload).message_id(id);
        if let Some(traceparent) = traceparent {
            message = message.header(telemetry::TRACEPARENT, traceparent);
        }
        self.publish_message(subject, message).await
    }

    /// Publishes `envelope` on its event's subject.
    pub async fn publish<E: DomainEvent>(&self, envelope: &Envelope<E>) -> Result<bool, BusError> {
        let payload = serde_json::to_vec(envelope).map_err(|e| BusError::Encode(e.to_string()))?;
        self.publish_raw(E::SUBJECT, &envelope.id, payload.into()).await
    }

    async fn publish_message(&self, subject: &str, message: PublishMessage) -> Result<bool, BusError> {
        let failed = |e: &dyn std::fmt::Display| BusError::Publish {
            subject: subject.into(),
            reason: e.to_string(),
        };
        let ack = self
            .js
            .send_publish(subject.to_string(), message)
            .await
            .map_err(|e| failed(&e))?
            .await
            .map_err(|e| failed(&e))?;
        Ok(ack.duplicate)
    }

    /// Runs `handler` for every `E` the durable consumer `consumer` receives, for as long as
    /// the service runs; reconnects and resumes where it left off after NATS restarts.
    pub fn consume<E, F, Fut>(&self, consumer: impl Into<Durable>, handler: F) -> tokio::task::JoinHandle<()>
    where
        E: DomainEvent + Send + 'static,
        F: Fn(Envelope<E>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), HandleError>> + Send,
    {
        let bus = self.clone();
        let durable = consumer.into();
        tokio::spawn(async move {
            loop {
                if let Err(reason) = bus.run_consumer(&durable, &handler).await {
                    tracing::warn!(
                        consumer = durable.name(),
                        reason,
                        "consumer stopped; resuming shortly"
                    );
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    }

    async fn run_consumer<E, F, Fut>(&self, durable: &Durable, handler: &F) -> Result<(), String>
    where
        E: DomainEvent,
        F: Fn(Envelope<E>) -> Fut,
        Fut: Future<Output = Result<(), HandleError>>,
    {
        let spec = stream_for(E::SUBJECT).ok_or_else(|| format!("no stream for {}", E::SUBJECT))?;
        self.ensure_streams(&[spec, contracts::messaging::DEAD_LETTER_STREAM])
            .await
            .map_err(|e| e.to_string())?;
        let stream = self.js.get_stream(spec.name).await.map_err(|e| e.to_string())?;
        let consumer = durable.name();
        let config = pull::Config {
            durable_name: Some(consumer.into()),
            filter_subject: E::SUBJECT.into(),
            ack_policy: AckPolicy::Explicit,
            ack_wait: ACK_WAIT,
            inactive_threshold: durable.forget_after_idle.unwrap_or_default(),
            ..Default::default()
        };
        let puller = stream
            .get_or_create_consumer(consumer, config)
            .await
            .map_err(|e| e.to_string())?;
        let messages = puller.messages().await.map_err(|e| e.to_string())?;
        tracing::info!(consumer, subject = E::SUBJECT, "consuming");
        let outcomes = register_outcomes(consumer);
        let outcomes = &outcomes;
        messages
            .map_err(|e| e.to_string())
            .try_for_each_concurrent(IN_FLIGHT, |message| async move {
                self.handle_one(consumer, outcomes, &message, handler).await;
                Ok(())
            })
            .await?;
        Err("message stream ended".into())
    }

    /// Handles one message in a span of its own: a child of the span that published it (its
    /// `traceparent` header), so one shopper action is one trace through the whole saga.
    async fn handle_one<E, F, Fut>(
        &self,
        consumer: &str,
        outcomes: &Outcomes,
        message: &jetstream::Message,
        handler: &F,
    ) where
        E: DomainEvent,
        F: Fn(Envelope<E>) -> Fut,
        Fut: Future<Output = Result<(), HandleError>>,
    {
        let traceparent = message
            .headers
            .as_ref()
            .and_then(|h| h.get(telemetry::TRACEPARENT))
            .map(|v| v.as_str());
        let span = tracing::info_span!(
            "event",
            consumer,
            subject = %message.subject,
            trace_id = tracing::field::Empty,
        );
        telemetry::adopt(&span, telemetry::extract(traceparent, None));
        self.handle_in_span(consumer, outcomes, message, handler)
            .instrument(span)
            .await;
    }

    async fn handle_in_span<E, F, Fut>(
        &self,
        consumer: &str,
        outcomes: &Outcomes,
        message: &jetstream::Message,
        handler: &F,
    ) where
        E: DomainEvent,
        F: Fn(Envelope<E>) -> Fut,
        Fut: Future<Output = Result<(), HandleError>>,
    {
        let deliveries = message.info().map(|i| i.delivered).unwrap_or(1);
        let outcome = match serde_json::from_slice::<Envelope<E>>(&message.payload) {
            Ok(envelope) => handler(envelope).await,
            Err(err) => Err(HandleError::Reject(format!("malformed event: {err}"))),
        };
        let ack = match outcome {
            Ok(()) => {
                // Tests only: a test may stop the service here, committed but unacknowledged.
                #[cfg(feature = "testing")]
                crate::testing::faults::handled(consumer).await;
                outcomes.ok.increment(1);
                AckKind::Ack
            }
            Err(HandleError::Retry(reason)) if deliveries < self.retry.max_deliveries => {
                tracing::warn!(consumer, deliveries, reason, "event failed; will retry");
                AckKind::Nak(Some(self.retry.backoff(deliveries)))
            }
            Err(HandleError::Retry(reason) | HandleError::Reject(reason)) => {
                if let Err(err) = self.dead_letter(consumer, message, &reason, deliveries).await {
                    // Not stored anywhere yet: leave it unacked so it comes back.
                    tracing::error!(consumer, error = %err, "dead-lettering failed");
                    return;
                }
                outcomes.dead_letter.increment(1);
                AckKind::Term
            }
        };
        if let Err(err) = message.ack_with(ack).await {
            tracing::warn!(consumer, error = %err, "ack failed; the event will be redelivered");
        }
    }

    async fn dead_letter(
        &self,
        consumer: &str,
        message: &jetstream::Message,
        reason: &str,
        deliveries: i64,
    ) -> Result<(), BusError> {
        tracing::error!(consumer, subject = %message.subject, reason, "event dead-lettered");
        let mut headers = HeaderMap::new();
        headers.insert(dead_letter_headers::ORIGINAL_SUBJECT, message.subject.as_str());
        headers.insert(dead_letter_headers::REASON, reason);
        headers.insert(dead_letter_headers::DELIVERIES, deliveries.to_string().as_str());
        let sequence = message.info().map(|i| i.stream_sequence).unwrap_or_default();
        let id = format!("{consumer}:{}:{sequence}", message.subject);
        let publish = PublishMessage::build()
            .payload(message.payload.clone())
            .headers(headers)
            .message_id(id);
        self.publish_message(&dead_letter_subject(consumer), publish)
            .await
            .map(|_| ())
    }
}

/// A consumer's outcome counters, resolved once when it starts rather than looked up by their
/// labels for every event.
struct Outcomes {
    ok: metrics::Counter,
    dead_letter: metrics::Counter,
}

/// Makes a consumer's outcome counters exist at zero, so a dashboard (and an alert on dead
/// letters) has a series before the first event is handled or given up on.
fn register_outcomes(consumer: &str) -> Outcomes {
    crate::health::prometheus();
    let counter = |outcome: &'static str| {
        let counter = metrics::counter!("events_handled_total", "consumer" => consumer.to_string(), "outcome" => outcome);
        counter.increment(0);
        counter
    };
    Outcomes {
        ok: counter("ok"),
        dead_letter: counter("dead_letter"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff(1), Duration::from_secs(1));
        assert_eq!(policy.backoff(3), Duration::from_secs(4));
        assert_eq!(policy.backoff(50), Duration::from_secs(30));
    }
}
