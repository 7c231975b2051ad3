//! Waiting for events, and knowing when no more are coming.
//!
//! A test that checks that something did *not* happen (no second shipment, no status after
//! PAID) needs a positive signal that the thing had every chance to happen first — not a
//! sleep, which is either too short (the check passes before the bug shows) or too long. The
//! signals here are the ones the event path itself gives:
//!
//! - [`wait_handled`]: a durable consumer has handled everything its stream holds *now*
//!   (nothing left to deliver, nothing delivered and unacknowledged; a handler acknowledges
//!   only after its effect committed, a dead-lettered event only once it is stored there);
//! - [`wait_outbox_published`]: a service has published every event it has committed so far;
//! - [`wait_dead_letters`]: a consumer gave up on an event (and is done with it);
//! - [`Recorder::wait_for`]: `n` events arrived, then the recorder caught up with its stream,
//!   and it reports any event beyond the `n` (a late duplicate) instead of ignoring it.
//!
//! Chained in the order events flow — the service's consumer handled its input, its outbox is
//! published, the recorder caught up — they mean "nothing more is on its way".

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use contracts::messaging::{stream_for, DomainEvent, Envelope};

use crate::bus::Bus;

/// How long a test waits for events to arrive or be handled.
const PATIENCE: Duration = Duration::from_secs(10);
/// How often a condition is looked at again.
const POLL: Duration = Duration::from_millis(20);

/// Waits (up to `limit`) until the durable consumer `consumer` of `E`'s stream has handled
/// every event the stream holds at the moment it is asked: none still to deliver, none
/// delivered and not yet acknowledged (events waiting for a retry count as unacknowledged).
/// Panics with the consumer's last state otherwise.
pub async fn wait_handled<E: DomainEvent>(bus: &Bus, consumer: &str, limit: Duration) {
    let Some(spec) = stream_for(E::SUBJECT) else {
        panic!("no stream captures {}", E::SUBJECT);
    };
    let deadline = Instant::now() + limit;
    let mut last = String::from("no answer yet");
    loop {
        match handled_all(bus, spec.name, consumer).await {
            Ok(true) => return,
            Ok(false) => {}
            Err(state) => last = state,
        }
        if Instant::now() >= deadline {
            panic!(
                "consumer {consumer} did not handle all of {} within {limit:?}: {last}",
                spec.name
            );
        }
        tokio::time::sleep(POLL).await; // poll interval of the condition above
    }
}

/// Whether `consumer` has nothing pending; `Err` describes what is left (or why it is not known).
async fn handled_all(bus: &Bus, stream: &str, consumer: &str) -> Result<bool, String> {
    let stream = bus
        .jetstream()
        .get_stream(stream)
        .await
        .map_err(|e| e.to_string())?;
    let info = stream.consumer_info(consumer).await.map_err(|e| e.to_string())?;
    if info.num_pending == 0 && info.num_ack_pending == 0 {
        Ok(true)
    } else {
        Err(format!(
            "{} to deliver, {} unacknowledged (acknowledged up to stream sequence {})",
            info.num_pending, info.num_ack_pending, info.ack_floor.stream_sequence
        ))
    }
}

/// Waits (up to `limit`) until the service whose database is at `database_url` has published
/// every outbox row committed so far (a relay marks a row only once the server stored it).
/// Panics otherwise.
pub async fn wait_outbox_published(database_url: &str, limit: Duration) {
    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(database_url)
        .await
        .unwrap_or_else(|err| panic!("opening the service's database: {err}"));
    let deadline = Instant::now() + limit;
    loop {
        let unpublished: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")
            .fetch_one(&db)
            .await
            .unwrap_or_else(|err| panic!("reading the outbox: {err}"));
        if unpublished == 0 {
            break;
        }
        if Instant::now() >= deadline {
            panic!("{unpublished} outbox rows still unpublished after {limit:?}");
        }
        tokio::time::sleep(POLL).await; // poll interval of the condition above
    }
    db.close().await;
}

/// Waits (up to `limit`) for the first `count` events consumer `consumer` dead-lettered, and
/// returns them (headers: [`contracts::messaging::dead_letter_headers`]). A dead letter is
/// stored before its event is terminated, so it is also the signal that the consumer is done
/// with that event. Panics if fewer come.
pub async fn wait_dead_letters(
    bus: &Bus,
    consumer: &str,
    count: usize,
    limit: Duration,
) -> Vec<async_nats::jetstream::Message> {
    use futures::StreamExt;
    let reader = async {
        let stream = bus
            .jetstream()
            .get_stream(contracts::messaging::DEAD_LETTER_STREAM.name)
            .await?;
        // An ephemeral consumer of this one consumer's dead letters, from the first.
        let config = async_nats::jetstream::consumer::pull::Config {
            filter_subject: contracts::messaging::dead_letter_subject(consumer),
            ..Default::default()
        };
        let messages = stream.create_consumer(config).await?.messages().await?;
        Ok::<_, async_nats::Error>(messages)
    };
    let deadline = tokio::time::Instant::now() + limit;
    let mut messages = tokio::time::timeout_at(deadline, reader)
        .await
        .unwrap_or_else(|_| panic!("no dead-letter stream within {limit:?}"))
        .unwrap_or_else(|err| panic!("reading the dead letters of {consumer}: {err}"));
    let mut found = Vec::with_capacity(count);
    while found.len() < count {
        match tokio::time::timeout_at(deadline, messages.next()).await {
            Ok(Some(Ok(message))) => found.push(message),
            Ok(Some(Err(err))) => panic!("reading the dead letters of {consumer}: {err}"),
            Ok(None) | Err(_) => panic!(
                "{consumer} dead-lettered {} of {count} events within {limit:?}",
                found.len()
            ),
        }
    }
    found
}

/// Records every event of type `E` a test consumer receives, so a test can wait for what a
/// service published.
#[derive(Clone)]
pub struct Recorder<E> {
    seen: Arc<Mutex<Vec<Envelope<E>>>>,
    bus: Bus,
    consumer: &'static str,
}

impl<E> Recorder<E>
where
    E: DomainEvent + Clone + Send + 'static,
{
    /// Starts a durable consumer called `name` on `bus`.
    pub fn start(bus: &Bus, name: &'static str) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        bus.consume(name, move |e: Envelope<E>| {
            let record = record.clone();
            async move {
                record.lock().map(|mut r| r.push(e)).ok();
                Ok(())
            }
        });
        Self {
            seen,
            bus: bus.clone(),
            consumer: name,
        }
    }

    /// Waits (up to 10 s) until `count` events have arrived, then until the recorder has
    /// caught up with everything its stream holds ([`Recorder::settled`]); returns the `count`
    /// events. Panics if they do not come, and also if *more* came: a duplicate that arrived
    /// before the recorder caught up is reported, not silently left out.
    ///
    /// An event the service has not published yet (its outbox not relayed) is not in the
    /// stream: a test that waits for the service first ([`wait_handled`],
    /// [`wait_outbox_published`]) makes this catch every late duplicate.
    pub async fn wait_for(&self, count: usize) -> Vec<Envelope<E>> {
        let deadline = Instant::now() + PATIENCE;
        while self.seen().len() < count {
            if Instant::now() >= deadline {
                panic!(
                    "timed out waiting for {count} × {}; got {}",
                    E::SUBJECT,
                    self.seen().len()
                );
            }
            tokio::time::sleep(POLL).await; // poll interval of the condition above
        }
        let seen = self.settled().await;
        if seen.len() > count {
            let ids: Vec<_> = seen.iter().map(|e| e.id.as_str()).collect();
            panic!(
                "expected {count} × {}, but {} arrived (late duplicates?): {ids:?}",
                E::SUBJECT,
                seen.len()
            );
        }
        seen
    }

    /// Waits (up to 10 s) until the recorder has handled everything its stream holds now,
    /// and returns what arrived: after it, an event not among them was not published yet.
    pub async fn settled(&self) -> Vec<Envelope<E>> {
        wait_handled::<E>(&self.bus, self.consumer, PATIENCE).await;
        self.seen()
    }

    /// What arrived so far.
    pub fn seen(&self) -> Vec<Envelope<E>> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}
