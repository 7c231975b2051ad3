//! Bad input: clear 4xx problems, and no order placed.

use contracts::orders::OrderView;
use contracts::problem::Problem;
use serde_json::json;

use crate::helpers::{address, spawn_app};

#[tokio::test]
async fn changed_prices_empty_carts_and_bad_addresses_place_nothing() {
    let app = spawn_app().await;
    let token = app.shopper("bad@example.com").await;
    let empty = app.place(&token, 0, None).await;
    assert_eq!(empty.status(), 409);
    let total = app.fill_cart(&token, &[(1, 1)]).await;

    let stale = app.place(&token, total - 1, None).await;
    assert_eq!(stale.status(), 409);
    let problem: Problem = stale.json().await.unwrap();
    assert_eq!(problem.kind, "/problems/prices-changed");

    let mut bad = address();
    bad["country"] = json!("Portugal");
    bad["city"] = json!("");
    let response = app
        .http
        .post(format!("{}/", app.orders))
        .bearer_auth(&token)
        .json(&json!({"shippingAddress": bad, "expectedTotalCents": total}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let problem: Problem = response.json().await.unwrap();
    assert_eq!(problem.errors.len(), 2);

    let mine: Vec<OrderView> = app
        .http
        .get(format!("{}/", app.orders))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(mine.is_empty(), "nothing was placed");
}

#[tokio::test]
async fn one_idempotency_key_places_one_order() {
    let app = spawn_app().await;
    let token = app.shopper("twice@example.com").await;
    let total = app.fill_cart(&token, &[(2, 2)]).await;
    let first = app.place(&token, total, Some("checkout-1")).await;
    assert_eq!(first.status(), 201);
    let second = app.place(&token, total, Some("checkout-1")).await;
    assert_eq!(second.status(), 200);
    let (a, b): (OrderView, OrderView) = (first.json().await.unwrap(), second.json().await.unwrap());
    assert_eq!(a.id, b.id);
    let mine: Vec<OrderView> = app
        .http
        .get(format!("{}/", app.orders))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
}

#[tokio::test]
async fn orders_are_private_and_need_a_user() {
    let app = spawn_app().await;
    let owner = app.shopper("owner@example.com").await;
    let other = app.shopper("other@example.com").await;
    let total = app.fill_cart(&owner, &[(1, 1)]).await;
    let placed: OrderView = app.place(&owner, total, None).await.json().await.unwrap();
    assert_eq!(app.order(&other, &placed.id).await.status(), 404);
    assert_eq!(app.order(&owner, &placed.id).await.status(), 200);
    let anonymous = app
        .http
        .get(format!("{}/{}", app.orders, placed.id))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}
