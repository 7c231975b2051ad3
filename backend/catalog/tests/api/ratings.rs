//! The catalog's copy of ratings, fed by `reviews.rating-changed` over a real JetStream:
//! newer revisions win whatever the order, bad events are dead-lettered, and a catalog with
//! a lost database rebuilds the copy by replaying the stream.

use std::time::Duration;

use contracts::catalog::{ProductDetail, ProductPage, ProductRating};
use contracts::messaging::{DomainEvent, Envelope};
use contracts::reviews::RatingChanged;
use futures::StreamExt;
use kit::bus::Bus;

use crate::helpers::{spawn_app, spawn_app_on, TestApp};

fn changed(product_id: i64, average: f64, count: u32, revision: u64) -> RatingChanged {
    RatingChanged {
        product_id,
        average,
        count,
        revision,
    }
}

async fn publish(bus: &Bus, event: RatingChanged) {
    let envelope = Envelope {
        id: uuid::Uuid::now_v7().to_string(),
        occurred_at: "2026-11-25T12:00:00Z".into(),
        event,
    };
    bus.publish(&envelope).await.unwrap();
}

async fn bus_of(app: &TestApp) -> Bus {
    let bus = Bus::new(kit::nats::connect(&app.nats.url()).await.unwrap());
    bus.ensure_streams(&[contracts::messaging::REVIEWS_STREAM])
        .await
        .unwrap();
    bus
}

async fn rating(app: &TestApp, id: i64) -> ProductRating {
    app.get_json::<ProductDetail>(&format!("/products/{id}"))
        .await
        .summary
        .rating
}

/// Waits (up to 10 s) until product `id`'s rating has reached `revision`.
async fn rating_at(app: &TestApp, id: i64, revision: u64) -> ProductRating {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let now = rating(app, id).await;
        if now.revision >= revision {
            return now;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "product {id} stuck at {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn newer_revisions_win_and_late_or_repeated_events_change_nothing() {
    let app = spawn_app().await;
    assert_eq!(
        rating(&app, 1).await,
        ProductRating::default(),
        "unrated before any event"
    );
    let bus = bus_of(&app).await;
    publish(&bus, changed(1, 4.0, 1, 1)).await;
    publish(&bus, changed(1, 3.5, 2, 3)).await;
    publish(&bus, changed(1, 3.5, 2, 3)).await; // the same change delivered again
    publish(&bus, changed(1, 5.0, 2, 2)).await; // late: revision 3 is already here
    publish(&bus, changed(2, 5.0, 1, 1)).await; // one consumer, in order: after this, all above were handled
    rating_at(&app, 2, 1).await;
    let kept = rating(&app, 1).await;
    assert_eq!((kept.average, kept.count, kept.revision), (3.5, 2, 3));
}

#[tokio::test]
async fn the_grid_shows_ratings_and_sorts_best_rated_first() {
    let app = spawn_app().await;
    let bus = bus_of(&app).await;
    publish(&bus, changed(5, 3.0, 4, 1)).await;
    publish(&bus, changed(9, 4.5, 2, 1)).await;
    publish(&bus, changed(7, 4.5, 6, 1)).await;
    rating_at(&app, 7, 1).await;
    let page: ProductPage = app.get_json("/products?sort=rating_desc&limit=5").await;
    let order: Vec<(i64, u32)> = page.items.iter().map(|p| (p.id, p.rating.count)).collect();
    assert_eq!(
        &order[..3],
        [(7, 6), (9, 2), (5, 4)],
        "ties broken by more reviews"
    );
    assert_eq!(
        page.items[3].rating,
        ProductRating::default(),
        "unrated products come after"
    );
}

#[tokio::test]
async fn a_page_already_served_shows_a_new_rating() {
    let app = spawn_app().await;
    let path = "/products?sort=price_asc&limit=24";
    let before: ProductPage = app.get_json(path).await;
    let served_again: ProductPage = app.get_json(path).await;
    assert_eq!(served_again, before, "served again from memory, the same page");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("catalog_cache_lookups_total{result=\"hit\"}"),
        "the second request was a hit: {metrics}"
    );
    let product = before.items[0].id;
    assert_eq!(before.items[0].rating, ProductRating::default());
    publish(&bus_of(&app).await, changed(product, 4.0, 3, 1)).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let page: ProductPage = app.get_json(path).await;
        if page.items[0].rating.revision == 1 {
            assert_eq!(
                (page.items[0].rating.average, page.items[0].rating.count),
                (4.0, 3)
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the kept page never showed the rating"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let detail: ProductDetail = app.get_json(&format!("/products/{product}")).await;
    assert_eq!(detail.summary.rating.revision, 1, "the detail too");
}

#[tokio::test]
async fn impossible_or_malformed_ratings_are_dead_lettered_and_change_nothing() {
    let app = spawn_app().await;
    let bus = bus_of(&app).await;
    let client = kit::nats::connect(&app.nats.url()).await.unwrap();
    let mut dead = client.subscribe("deadletter.>").await.unwrap();
    publish(&bus, changed(3, 9.0, 1, 1)).await;
    bus.publish_raw(RatingChanged::SUBJECT, "not-json-1", "{not json".into())
        .await
        .unwrap();
    for _ in 0..2 {
        let letter = tokio::time::timeout(Duration::from_secs(10), dead.next())
            .await
            .expect("dead-lettered in time")
            .unwrap();
        assert!(
            letter.subject.starts_with("deadletter.catalog-ratings-"),
            "{}",
            letter.subject
        );
    }
    publish(&bus, changed(3, 4.0, 1, 2)).await;
    assert_eq!(
        rating_at(&app, 3, 2).await.average,
        4.0,
        "the consumer goes on after them"
    );
}

#[tokio::test]
async fn a_catalog_whose_database_is_lost_rebuilds_ratings_from_the_stream() {
    let first = spawn_app().await;
    let bus = bus_of(&first).await;
    for (id, revision) in [(4, 1), (4, 2), (6, 1)] {
        publish(
            &bus,
            changed(id, 2.0 + revision as f64, revision as u32, revision),
        )
        .await;
    }
    rating_at(&first, 6, 1).await;
    let kept = rating_at(&first, 4, 2).await;

    // A new catalog with an empty database: its copy starts from the stream's first event.
    let rebuilt = spawn_app_on(first.nats.clone()).await;
    assert_eq!(rating_at(&rebuilt, 4, 2).await, kept);
    assert_eq!(rating_at(&rebuilt, 6, 1).await, rating(&first, 6).await);
}
