//! Writing, rewriting, ordering, helpful votes and reports — and the rating events they send.

use contracts::reviews::{ReviewSort, ReviewView, REPORTS_TO_HIDE};

use crate::helpers::{review, spawn_app};

#[tokio::test]
async fn one_review_per_user_the_second_submit_edits_it() {
    let app = spawn_app().await;
    let ana = app.shopper("Ana").await;
    let written = app.write(Some(&ana), 5, review(5, "Lovely")).await;
    assert_eq!(written.status(), 201);
    let first: ReviewView = written.json().await.unwrap();
    assert!(first.mine && !first.verified_purchase, "nothing bought yet");
    assert_eq!(first.author, "Ana");

    let rewritten = app.write(Some(&ana), 5, review(3, "Fine, on reflection")).await;
    assert_eq!(rewritten.status(), 200);
    let second: ReviewView = rewritten.json().await.unwrap();
    assert_eq!(second.id, first.id);
    assert!(second.edited_at.is_some());

    let page = app.page(Some(&ana), 5).await;
    assert_eq!(page.reviews.len(), 1);
    assert_eq!((page.summary.average, page.summary.count), (3.0, 1));
    assert_eq!(page.summary.distribution, [0, 0, 1, 0, 0]);
    assert_eq!(
        page.summary.revision, 2,
        "the page says which rating change it shows"
    );
    assert_eq!(page.mine.unwrap().title, "Fine, on reflection");
    // Each change moved the rating: two events, revisions 1 and 2.
    let events = app.ratings.wait_for(2).await;
    let revisions: Vec<_> = events
        .iter()
        .map(|e| (e.event.revision, e.event.average))
        .collect();
    assert_eq!(revisions, [(1, 5.0), (2, 3.0)]);
}

#[tokio::test]
async fn helpful_votes_count_once_and_sort_the_page() {
    let app = spawn_app().await;
    let (ana, ben, cy) = (
        app.shopper("Ana").await,
        app.shopper("Ben").await,
        app.shopper("Cy").await,
    );
    let anas: ReviewView = app
        .write(Some(&ana), 7, review(4, "Good"))
        .await
        .json()
        .await
        .unwrap();
    let bens: ReviewView = app
        .write(Some(&ben), 7, review(2, "Meh"))
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        app.act(&ana, &anas.id, "helpful").await.status(),
        409,
        "not one's own"
    );
    for _ in 0..2 {
        let marked: ReviewView = app.act(&cy, &anas.id, "helpful").await.json().await.unwrap();
        assert_eq!((marked.helpful, marked.marked_helpful), (1, true), "counted once");
    }
    let newest = app.page(None, 7).await;
    assert_eq!(newest.reviews[0].id, bens.id);
    let helpful: contracts::reviews::ReviewsPage =
        app.list(None, 7, "?sort=helpful").await.json().await.unwrap();
    assert_eq!(helpful.sort, ReviewSort::Helpful);
    assert_eq!(helpful.reviews[0].id, anas.id);
    assert_eq!(helpful.summary.average, 3.0);
}

#[tokio::test]
async fn enough_reports_hide_a_review_and_move_the_rating() {
    let app = spawn_app().await;
    let spammer = app.shopper("Spammer").await;
    let honest = app.shopper("Honest").await;
    let spam: ReviewView = app
        .write(Some(&spammer), 9, review(1, "BUY CHEAP WATCHES"))
        .await
        .json()
        .await
        .unwrap();
    app.write(Some(&honest), 9, review(5, "Great")).await;
    assert_eq!(app.page(None, 9).await.summary.count, 2);

    let mut reporters = Vec::new();
    for n in 0..REPORTS_TO_HIDE {
        reporters.push(app.shopper(&format!("Reporter{n}")).await);
    }
    // The same user reporting twice counts once.
    assert_eq!(app.act(&reporters[0], &spam.id, "reports").await.status(), 204);
    assert_eq!(app.act(&reporters[0], &spam.id, "reports").await.status(), 204);
    assert_eq!(
        app.page(None, 9).await.summary.count,
        2,
        "one reporter is not enough"
    );
    for reporter in &reporters[1..] {
        assert_eq!(app.act(reporter, &spam.id, "reports").await.status(), 204);
    }
    let page = app.page(None, 9).await;
    assert_eq!((page.summary.count, page.summary.average), (1, 5.0));
    assert!(page.reviews.iter().all(|r| r.id != spam.id), "hidden");
    let events = app.ratings.wait_for(3).await;
    assert_eq!(events.last().unwrap().event.count, 1);
    assert_eq!(app.act(&honest, &spam.id, "helpful").await.status(), 404);
}

#[tokio::test]
async fn a_buyers_review_is_marked_verified_purchase() {
    let app = spawn_app().await;
    let buyer = app.shopper("Buyer").await;
    let browser = app.shopper("Browser").await;
    app.buy(&buyer, 12).await;
    let bought: ReviewView = app
        .write(Some(&buyer), 12, review(5, "Worth it"))
        .await
        .json()
        .await
        .unwrap();
    assert!(bought.verified_purchase, "orders says the buyer paid for it");
    let not_bought: ReviewView = app
        .write(Some(&browser), 12, review(4, "Looks nice"))
        .await
        .json()
        .await
        .unwrap();
    assert!(!not_bought.verified_purchase);
    let other_product: ReviewView = app
        .write(Some(&buyer), 13, review(3, "Not this one"))
        .await
        .json()
        .await
        .unwrap();
    assert!(!other_product.verified_purchase, "bought 12, not 13");
}
