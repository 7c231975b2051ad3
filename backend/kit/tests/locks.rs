//! Which writers wait for which on PostgreSQL (`kit::db::begin_write_for`): writers of two
//! orders run side by side, two writers of one order one after the other, and a writer of the
//! whole database waits for every one of them. SQLite runs one writer at a time whatever they
//! ask, so this needs the throw-away PostgreSQL `cargo xtask test` starts
//! (`MERCADO_TEST_POSTGRES`); without it there is nothing to test.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use kit::db::{begin_write, begin_write_for, Exclusive, Pool, WriteTransaction};
use kit::testing::{TestDatabase, POSTGRES_ENV};
use mercado_kit as kit;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use common::NO_MIGRATIONS;

/// Lock requests the server has queued and not granted.
async fn waiting(db: &Pool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        .fetch_one(db)
        .await
        .unwrap()
}

/// Returns once the server reports `count` lock requests waiting: the positive sign that a
/// writer is held up, rather than merely slow.
async fn until_waiting(db: &Pool, count: i64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while waiting(db).await != count {
        assert!(Instant::now() < deadline, "expected {count} writers waiting");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn begin_later(db: &Pool, exclusive: Exclusive<'static>) -> JoinHandle<WriteTransaction> {
    let db = db.clone();
    tokio::spawn(async move { begin_write_for(&db, exclusive).await.unwrap() })
}

#[tokio::test]
async fn writers_of_two_orders_run_together_and_of_one_order_one_after_the_other() {
    let Ok(server) = std::env::var(POSTGRES_ENV) else {
        eprintln!("{POSTGRES_ENV} is not set: only PostgreSQL lets writers run side by side");
        return;
    };
    let database = TestDatabase::postgres(&server);
    let db = database.connect(&NO_MIGRATIONS).await;

    let first = begin_write_for(&db, Exclusive::Aggregate("order-1"))
        .await
        .unwrap();
    let other_order = tokio::time::timeout(
        Duration::from_secs(10),
        begin_write_for(&db, Exclusive::Aggregate("order-2")),
    )
    .await
    .expect("a writer of another order is not held up")
    .unwrap();
    let same_order = begin_later(&db, Exclusive::Aggregate("order-1"));
    until_waiting(&db, 1).await;
    let whole = tokio::spawn({
        let db = db.clone();
        async move { begin_write(&db).await.unwrap() }
    });
    until_waiting(&db, 2).await;

    first.commit().await.unwrap();
    let same_order = same_order.await.unwrap();
    assert!(
        !whole.is_finished(),
        "the whole database waits for the other writers"
    );
    until_waiting(&db, 1).await;
    same_order.commit().await.unwrap();
    other_order.commit().await.unwrap();
    let whole = tokio::time::timeout(Duration::from_secs(10), whole)
        .await
        .expect("the whole database's writer goes once the others are done")
        .unwrap();
    let during = begin_later(&db, Exclusive::Aggregate("order-3"));
    until_waiting(&db, 1).await;
    whole.commit().await.unwrap();
    during.await.unwrap().commit().await.unwrap();
}
