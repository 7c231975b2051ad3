//! Streams on a real three-node NATS cluster: kept in three copies, they take and deliver
//! the saga's events after the node that led them is killed; a stream found with one copy is
//! given three; and a single server asked for three copies refuses with a clear error.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream;
use contracts::messaging::{Envelope, ORDERS_STREAM};
use kit::bus::Bus;
use kit::testing::{NatsCluster, NatsServer};
use mercado_kit as kit;
use tokio::time::Instant;

use common::{envelope, Pinged};

/// How long a cluster may take to elect a JetStream leader, or a stream a new one.
const ELECTION: Duration = Duration::from_secs(30);

/// Retries `attempt` until it succeeds or `ELECTION` has passed (then panics with the last
/// error): a fresh cluster, or one that lost a node, answers JetStream requests with errors
/// until its leaders are elected.
async fn until_elected<T, E: std::fmt::Display, F: std::future::Future<Output = Result<T, E>>>(
    what: &str,
    mut attempt: impl FnMut() -> F,
) -> T {
    let deadline = Instant::now() + ELECTION;
    loop {
        match attempt().await {
            Ok(value) => return value,
            Err(err) if Instant::now() > deadline => panic!("{what}: {err}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

async fn client(cluster: &NatsCluster) -> async_nats::Client {
    async_nats::connect(cluster.urls()).await.unwrap()
}

async fn stream_info(js: &jetstream::Context) -> jetstream::stream::Info {
    until_elected("reading the stream", || async {
        let mut stream = js
            .get_stream(ORDERS_STREAM.name)
            .await
            .map_err(|e| e.to_string())?;
        stream.info().await.cloned().map_err(|e| e.to_string())
    })
    .await
}

#[tokio::test]
async fn a_stream_in_three_copies_takes_and_delivers_events_after_its_leader_node_is_killed() {
    let mut cluster = NatsCluster::start(3);
    let client = client(&cluster).await;
    let js = jetstream::new(client.clone());
    let bus = Bus::new(client).with_replicas(3);
    until_elected("creating the stream", || bus.ensure_streams(&[ORDERS_STREAM])).await;
    bus.publish(&envelope(1)).await.unwrap();

    let info = stream_info(&js).await;
    assert_eq!(info.config.num_replicas, 3);
    let cluster_info = info.cluster.expect("a clustered stream says where it lives");
    assert_eq!(cluster_info.replicas.len(), 2, "two copies besides the leader's");
    let leader = cluster_info.leader.expect("the stream has a leader");
    cluster.kill(&leader);

    // The client fails over to a node still up, and a new leader takes the next event (a
    // retry carries the same id, so it is stored once).
    let second = envelope(2);
    until_elected("publishing after the leader died", || bus.publish(&second)).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    bus.consume("test-cluster", move |e: Envelope<Pinged>| {
        let record = record.clone();
        async move {
            record.lock().unwrap().push(e.event.n);
            Ok(())
        }
    });
    let deadline = Instant::now() + ELECTION;
    while seen.lock().unwrap().len() < 2 {
        assert!(
            Instant::now() < deadline,
            "delivered only {:?}",
            seen.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let mut delivered = seen.lock().unwrap().clone();
    delivered.sort_unstable();
    assert_eq!(
        delivered,
        [1, 2],
        "the event stored before the kill, and the one after"
    );
    let info = stream_info(&js).await;
    assert_ne!(
        info.cluster.and_then(|c| c.leader),
        Some(leader),
        "another node leads"
    );
}

#[tokio::test]
async fn a_stream_found_with_one_copy_is_given_three() {
    let cluster = NatsCluster::start(3);
    let client = client(&cluster).await;
    let js = jetstream::new(client.clone());
    let single = Bus::new(client.clone());
    until_elected("creating the stream", || single.ensure_streams(&[ORDERS_STREAM])).await;
    single.publish(&envelope(1)).await.unwrap();
    assert_eq!(stream_info(&js).await.config.num_replicas, 1);

    let tripled = Bus::new(client).with_replicas(3);
    tripled.ensure_streams(&[ORDERS_STREAM]).await.unwrap();
    let info = stream_info(&js).await;
    assert_eq!(info.config.num_replicas, 3);
    assert_eq!(info.state.messages, 1, "what the stream held is kept");
}

#[tokio::test]
async fn three_copies_on_a_single_server_is_a_clear_error() {
    let nats = NatsServer::start();
    let bus = Bus::new(async_nats::connect(nats.url()).await.unwrap()).with_replicas(3);
    let err = bus
        .ensure_streams(&[ORDERS_STREAM])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("ORDERS"), "names the stream: {err}");
    let js = jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    assert!(js.get_stream("ORDERS").await.is_err(), "no stream was made");
}
