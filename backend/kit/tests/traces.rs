//! One trace across the outbox and NATS: an event written inside a request's span is
//! published with that span's `traceparent`, and its consumer handles it in a child span.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use contracts::messaging::{DomainEvent, Envelope, ALL_STREAMS};
use kit::bus::Bus;
use kit::telemetry;
use kit::testing::{NatsServer, TestDatabase};
use mercado_kit as kit;
use serde::{Deserialize, Serialize};
use tracing::Instrument;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Traced {
    n: u32,
}

impl DomainEvent for Traced {
    const SUBJECT: &'static str = "orders.test-traced";
}

static NO_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate::Migrator {
    migrations: std::borrow::Cow::Borrowed(&[]),
    ignore_missing: false,
    locking: true,
    no_tx: false,
};

/// `(trace id, span id)` of a `traceparent`.
fn ids(traceparent: &str) -> (String, String) {
    let parts: Vec<&str> = traceparent.split('-').collect();
    (parts[1].to_string(), parts[2].to_string())
}

#[tokio::test]
async fn an_event_written_in_a_request_is_handled_in_the_same_trace() {
    telemetry::init("kit-traces-test");
    let nats = NatsServer::start();
    let bus = Bus::new(async_nats::connect(nats.url()).await.unwrap());
    bus.ensure_streams(ALL_STREAMS).await.unwrap();
    let database = TestDatabase::fresh();
    let db = database.connect(&NO_MIGRATIONS).await;

    // What a consumer's handler sees as its own context: its trace and its span.
    let handled: Arc<Mutex<Option<String>>> = Arc::default();
    let record = handled.clone();
    bus.consume("test-traces", move |_: Envelope<Traced>| {
        let record = record.clone();
        async move {
            *record.lock().unwrap() = telemetry::current_traceparent();
            Ok(())
        }
    });

    let request = tracing::info_span!("http", trace_id = tracing::field::Empty);
    let browser = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    telemetry::adopt(&request, telemetry::extract(Some(browser), None));
    let written_in = {
        let _inside = request.enter();
        telemetry::current_traceparent().unwrap()
    };
    let mut tx = db.begin().await.unwrap();
    // Written inside the request's span, as a handler's write is.
    kit::outbox::enqueue(&mut tx, Traced { n: 1 })
        .instrument(request.clone())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    kit::outbox::relay_once(&db, &bus).await.unwrap();

    let mut consumer_context = None;
    for _ in 0..200 {
        consumer_context = handled.lock().unwrap().clone();
        if consumer_context.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let consumer_context = consumer_context.expect("the consumer handled the event");
    let (request_trace, request_span) = ids(&written_in);
    let (consumer_trace, consumer_span) = ids(&consumer_context);
    assert_eq!(
        request_trace, "0af7651916cd43dd8448eb211c80319c",
        "the browser's trace"
    );
    assert_eq!(
        consumer_trace, request_trace,
        "the consumer is in the writer's trace"
    );
    assert_ne!(consumer_span, request_span, "in a span of its own");
}
