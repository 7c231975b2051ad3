//! The event plumbing against a real nats-server: publish/consume, de-duplication, bounded
//! retries, dead letters, the outbox relay (also across a NATS restart) and the inbox.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream;
use contracts::messaging::{dead_letter_headers, DomainEvent, Envelope, ALL_STREAMS};
use futures::StreamExt;
use kit::bus::{Bus, HandleError, RetryPolicy};
use kit::db::Pool;
use kit::testing::{wait_handled, NatsServer, Recorder, TestDatabase};
use mercado_kit as kit;

use common::{envelope, Pinged, NO_MIGRATIONS};

async fn bus(nats: &NatsServer) -> Bus {
    let client = async_nats::connect(nats.url()).await.unwrap();
    let bus = Bus::new(client).with_retry(RetryPolicy {
        max_deliveries: 3,
        first_backoff: Duration::from_millis(50),
    });
    bus.ensure_streams(ALL_STREAMS).await.unwrap();
    bus
}

/// How long a test waits for the client and a consumer to come back after `NatsServer::restart`.
const RECONNECT: Duration = Duration::from_secs(30);

/// Collects what a consumer handled, and lets a test wait for a condition on it.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<u32>>>);

impl Seen {
    async fn wait_for(&self, what: &str, check: impl Fn(&[u32]) -> bool) -> Vec<u32> {
        self.wait_within(Duration::from_secs(5), what, check).await
    }

    /// Like `wait_for`, with a deadline of the caller's choosing.
    async fn wait_within(&self, limit: Duration, what: &str, check: impl Fn(&[u32]) -> bool) -> Vec<u32> {
        let deadline = tokio::time::Instant::now() + limit;
        while tokio::time::Instant::now() < deadline {
            let seen = self.0.lock().unwrap().clone();
            if check(&seen) {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("timed out waiting for {what}; saw {:?}", self.0.lock().unwrap());
    }
}

async fn dead_letters(
    nats: &NatsServer,
    consumer: &str,
    expected: usize,
) -> Vec<async_nats::jetstream::Message> {
    let js = jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let stream = js.get_stream("DEADLETTER").await.unwrap();
    let reader = stream
        .create_consumer(jetstream::consumer::pull::Config {
            filter_subject: format!("deadletter.{consumer}"),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut messages = reader.messages().await.unwrap();
    let mut found = Vec::new();
    while found.len() < expected {
        let next = tokio::time::timeout(Duration::from_secs(10), messages.next()).await;
        found.push(next.expect("a dead letter arrives").unwrap().unwrap());
    }
    found
}

#[tokio::test]
async fn a_republished_event_is_stored_and_handled_once() {
    let nats = NatsServer::start();
    let bus = bus(&nats).await;
    let event = envelope(1);
    assert!(!bus.publish(&event).await.unwrap());
    assert!(
        bus.publish(&event).await.unwrap(),
        "same id: the server calls it a duplicate"
    );
    bus.publish(&envelope(2)).await.unwrap();
    let seen = Seen::default();
    let record = seen.clone();
    bus.consume("test-once", move |e: Envelope<Pinged>| {
        let record = record.clone();
        async move {
            record.0.lock().unwrap().push(e.event.n);
            Ok(())
        }
    });
    seen.wait_for("both events", |s| s.len() >= 2).await;
    // The consumer has handled everything the stream holds: a second copy would be among it.
    wait_handled::<Pinged>(&bus, "test-once", Duration::from_secs(10)).await;
    assert_eq!(*seen.0.lock().unwrap(), [1, 2], "nothing handled twice");
    let js = jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let mut stream = js.get_stream("ORDERS").await.unwrap();
    assert_eq!(
        stream.info().await.unwrap().state.messages,
        2,
        "the copy was never stored"
    );
}

#[tokio::test]
#[should_panic(expected = "late duplicates")]
async fn a_recorder_reports_events_beyond_the_count_it_waits_for() {
    let nats = NatsServer::start();
    let bus = bus(&nats).await;
    let recorder = Recorder::<Pinged>::start(&bus, "test-recorder");
    bus.publish(&envelope(1)).await.unwrap();
    // The same event under another id: a relay that lost its mark, or a handler that
    // announced twice.
    bus.publish(&envelope(1)).await.unwrap();
    recorder.wait_for(1).await;
}

#[tokio::test]
async fn a_failing_event_is_retried_then_dead_lettered_without_blocking_the_rest() {
    let nats = NatsServer::start();
    let bus = bus(&nats).await;
    for n in [1, 13, 2] {
        bus.publish(&envelope(n)).await.unwrap();
    }
    bus.publish_raw(Pinged::SUBJECT, "garbage-1", "not json".into())
        .await
        .unwrap();
    let seen = Seen::default();
    let attempts = Arc::new(Mutex::new(0));
    let (record, tries) = (seen.clone(), attempts.clone());
    bus.consume("test-retry", move |e: Envelope<Pinged>| {
        let (record, tries) = (record.clone(), tries.clone());
        async move {
            if e.event.n == 13 {
                *tries.lock().unwrap() += 1;
                return Err(HandleError::Retry("unlucky".into()));
            }
            record.0.lock().unwrap().push(e.event.n);
            Ok(())
        }
    });
    seen.wait_for("the good events", |s| s.len() == 2).await;
    let letters = dead_letters(&nats, "test-retry", 2).await;
    let reasons: Vec<String> = letters
        .iter()
        .map(|m| {
            m.headers
                .as_ref()
                .unwrap()
                .get(dead_letter_headers::REASON)
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        reasons.iter().any(|r| r.starts_with("malformed event")),
        "{reasons:?}"
    );
    assert!(reasons.iter().any(|r| r == "unlucky"), "{reasons:?}");
    assert_eq!(
        *attempts.lock().unwrap(),
        3,
        "delivered exactly max_deliveries times"
    );
}

/// A fresh database with kit's tables (outbox, inbox) and nothing else.
async fn outbox_db() -> (TestDatabase, Pool) {
    let database = TestDatabase::fresh();
    let db = database.connect(&NO_MIGRATIONS).await;
    (database, db)
}

#[tokio::test]
async fn committed_outbox_events_are_published_rolled_back_ones_never() {
    let mut nats = NatsServer::start();
    let bus = bus(&nats).await;
    let (_dir, db) = outbox_db().await;

    let mut tx = db.begin().await.unwrap();
    kit::outbox::enqueue(&mut tx, Pinged { n: 7 }).await.unwrap();
    drop(tx); // rolled back
    let mut tx = db.begin().await.unwrap();
    kit::outbox::enqueue(&mut tx, Pinged { n: 8 }).await.unwrap();
    tx.commit().await.unwrap();

    let seen = Seen::default();
    let record = seen.clone();
    bus.consume("test-outbox", move |e: Envelope<Pinged>| {
        let record = record.clone();
        async move {
            record.0.lock().unwrap().push(e.event.n);
            Ok(())
        }
    });
    let relay = kit::outbox::spawn_relay(db.clone(), bus.clone());
    seen.wait_for("the committed event", |s| s == [8]).await;

    // NATS goes away and comes back: events written meanwhile still arrive, once.
    nats.restart();
    let mut tx = db.begin().await.unwrap();
    kit::outbox::enqueue(&mut tx, Pinged { n: 9 }).await.unwrap();
    tx.commit().await.unwrap();
    relay.notify();
    // On reconnecting, async-nats asks for the consumer's info before it pulls again, retrying
    // after 0.5, 1, 1.5, 2 and then 10 s while JetStream is still recovering its store: on a
    // loaded CI machine that once took more than 5 s.
    seen.wait_within(RECONNECT, "the event written across the restart", |s| s == [8, 9])
        .await;
    let unpublished: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(unpublished, 0);
}

#[tokio::test]
async fn the_inbox_admits_each_event_once_per_consumer() {
    let (_dir, db) = outbox_db().await;
    let mut tx = db.begin().await.unwrap();
    assert!(kit::inbox::first_delivery(&mut tx, "a", "e1").await.unwrap());
    assert!(!kit::inbox::first_delivery(&mut tx, "a", "e1").await.unwrap());
    assert!(kit::inbox::first_delivery(&mut tx, "b", "e1").await.unwrap());
    tx.commit().await.unwrap();
}

async fn outbox_rows(db: &Pool) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(db)
        .await
        .unwrap()
}

/// The work of a step happens once per event and consumer; a repeat changes nothing and
/// leaves no transaction open behind it.
#[tokio::test]
async fn handle_once_does_the_work_once_and_a_repeat_leaves_nothing_open() {
    let (_dir, db) = outbox_db().await;
    // Quotes in an event id are data, not SQL.
    let id = "evt-'1'; DROP TABLE inbox; --";
    let step = |consumer: &'static str, n: u32| {
        let db = db.clone();
        async move {
            kit::inbox::handle_once(&db, consumer, id, async |tx| {
                kit::outbox::enqueue(tx, Pinged { n }).await?;
                Ok(n)
            })
            .await
            .unwrap()
        }
    };
    assert_eq!(step("a", 1).await, Some(1));
    for _ in 0..3 {
        assert_eq!(step("a", 2).await, None, "a repeat is skipped");
    }
    // Every connection the repeats used can begin again: none was left in a transaction.
    assert_eq!(step("b", 3).await, Some(3), "another consumer handles it too");
    assert_eq!(outbox_rows(&db).await, 2);
}

/// Work that fails rolls the inbox row back with it: the redelivery does the work.
#[tokio::test]
async fn handle_once_forgets_an_event_whose_work_failed() {
    let (_dir, db) = outbox_db().await;
    let failed = kit::inbox::handle_once(&db, "a", "evt-f", async |tx| {
        kit::outbox::enqueue(tx, Pinged { n: 1 }).await?;
        Err::<(), _>(HandleError::Retry("not yet".into()))
    })
    .await;
    assert!(matches!(failed, Err(HandleError::Retry(_))), "{failed:?}");
    assert_eq!(outbox_rows(&db).await, 0);
    let again = kit::inbox::handle_once(&db, "a", "evt-f", async |tx| {
        kit::outbox::enqueue(tx, Pinged { n: 1 }).await?;
        Ok(())
    })
    .await
    .unwrap();
    assert_eq!(again, Some(()));
    assert_eq!(outbox_rows(&db).await, 1);
}

/// A step may send its last statements with the commit: its effect then happens once, a
/// batch that fails commits nothing (not even the inbox row), and the writer carries on.
#[tokio::test]
async fn a_step_committing_with_its_last_statements_commits_all_or_nothing() {
    let (_dir, db) = outbox_db().await;
    let step = |id: &'static str, n: u32, fail: bool| {
        let db = db.clone();
        async move {
            kit::inbox::handle_once(&db, "a", id, async |tx| {
                // The state change: a row of kit's own table stands in for a service's.
                let mut statements = kit::db::SqlBuilder::for_connection(
                    tx,
                    "INSERT INTO inbox (consumer, event_id, handled_at) VALUES ('effect', ",
                );
                statements.push_bind(id).push(", 0)");
                kit::outbox::push_enqueue(&mut statements, Pinged { n })?;
                if fail {
                    // The same row again: refused, after the outbox row was written.
                    statements
                        .next_statement(
                            "INSERT INTO inbox (consumer, event_id, handled_at) VALUES ('effect', ",
                        )
                        .push_bind(id)
                        .push(", 0)");
                }
                tx.execute_then_commit(statements).await?;
                Ok(n)
            })
            .await
        }
    };
    assert_eq!(step("e1", 1, false).await, Ok(Some(1)));
    assert_eq!(step("e1", 2, false).await, Ok(None), "a repeat is skipped");
    assert!(matches!(step("e2", 3, true).await, Err(HandleError::Retry(_))));
    assert_eq!(outbox_rows(&db).await, 1, "the failed batch left nothing");
    assert_eq!(
        step("e2", 4, false).await,
        Ok(Some(4)),
        "its redelivery does the work"
    );
    assert_eq!(outbox_rows(&db).await, 2);
    let effects: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inbox WHERE consumer = 'effect'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(effects, 2);
}

/// A write transaction dropped unfinished (an early return) leaves nothing behind, and the
/// writers after it still write: on SQLite kit closes the writing connection rather than hand
/// it on inside the transaction. A lone statement the database refuses leaves the writer as
/// good as before.
#[tokio::test]
async fn a_write_dropped_unfinished_is_rolled_back_and_the_next_writers_write() {
    let (_dir, db) = outbox_db().await;
    let mut tx = kit::db::begin_write(&db).await.unwrap();
    kit::outbox::enqueue(&mut tx, Pinged { n: 1 }).await.unwrap();
    drop(tx);
    let mut tx = kit::db::begin_write(&db).await.unwrap();
    kit::outbox::enqueue(&mut tx, Pinged { n: 2 }).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(outbox_rows(&db).await, 1, "the dropped write left nothing");

    let insert = "INSERT INTO inbox (consumer, event_id, handled_at) VALUES ('a', 'x', 1)";
    kit::db::write_alone(&db, sqlx::query(insert)).await.unwrap();
    let again = kit::db::write_alone(&db, sqlx::query(insert)).await;
    assert!(matches!(again, Err(sqlx::Error::Database(_))), "{again:?}");
    let tx = kit::db::begin_write(&db).await.unwrap();
    tx.rollback().await.unwrap();
    let mut tx = kit::db::begin_write(&db).await.unwrap();
    kit::outbox::enqueue(&mut tx, Pinged { n: 3 }).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(outbox_rows(&db).await, 2);
}

/// A closed pool refuses writes, although on SQLite kit keeps the writing connection apart
/// from the pool.
#[tokio::test]
async fn a_closed_pool_refuses_writes() {
    let (_dir, db) = outbox_db().await;
    let tx = kit::db::begin_write(&db).await.unwrap();
    tx.commit().await.unwrap();
    db.close().await;
    let refused = kit::db::begin_write(&db).await;
    assert!(
        matches!(refused, Err(sqlx::Error::PoolClosed)),
        "{:?}",
        refused.err()
    );
}
