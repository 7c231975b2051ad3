//! Bad input: clear 4xx problems naming the field, and nothing written.

use contracts::problem::Problem;
use serde_json::json;

use crate::helpers::{review, spawn_app};

#[tokio::test]
async fn bad_reviews_unknown_products_and_strangers_change_nothing() {
    let app = spawn_app().await;
    let ana = app.shopper("Ana").await;
    for (body, field) in [
        (
            json!({"rating": 0, "title": "Bad", "body": "Not enough stars here."}),
            "rating",
        ),
        (
            json!({"rating": 6, "title": "Bad", "body": "Too many stars here."}),
            "rating",
        ),
        (
            json!({"rating": 4, "title": "", "body": "No title at all here."}),
            "title",
        ),
        (json!({"rating": 4, "title": "Short", "body": "tiny"}), "body"),
        (
            json!({"rating": 4, "title": "Long", "body": "x".repeat(4001)}),
            "body",
        ),
    ] {
        let response = app.write(Some(&ana), 3, body).await;
        assert_eq!(response.status(), 400);
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        let problem: Problem = response.json().await.unwrap();
        assert_eq!(problem.errors[0].field, field);
    }
    // Well-formed JSON of the wrong shape: 422, as for every service's typed bodies.
    let malformed = app.write(Some(&ana), 3, json!({"rating": "five"})).await;
    assert_eq!(malformed.status(), 422);
    assert_eq!(
        app.write(Some(&ana), 999_999, review(4, "Ghost")).await.status(),
        404
    );
    assert_eq!(app.write(Some(&ana), 0, review(4, "Zero")).await.status(), 400);
    assert_eq!(app.write(None, 3, review(4, "Anonymous")).await.status(), 401);
    assert_eq!(
        app.write(Some("not.a.token"), 3, review(4, "Forged"))
            .await
            .status(),
        401
    );
    assert_eq!(app.list(None, 3, "?page=0").await.status(), 400);
    assert_eq!(app.list(None, 3, "?sort=random").await.status(), 400);

    let page = app.page(None, 3).await;
    assert_eq!(
        (page.summary.count, page.summary.revision),
        (0, 0),
        "nothing was written"
    );
    assert_eq!(page.total_pages, 1);
    assert!(app.ratings.seen().is_empty());
}

#[tokio::test]
async fn markup_is_kept_as_text() {
    let app = spawn_app().await;
    let ana = app.shopper("Ana").await;
    let payload = "<img src=x onerror=alert(1)> <script>alert(2)</script>";
    let written = app
        .write(
            Some(&ana),
            4,
            json!({"rating": 4, "title": "<b>bold</b>", "body": payload}),
        )
        .await;
    assert_eq!(written.status(), 201);
    let page = app.page(None, 4).await;
    assert_eq!(
        page.reviews[0].body, payload,
        "stored and served verbatim, as text"
    );
    assert_eq!(page.reviews[0].title, "<b>bold</b>");
}
