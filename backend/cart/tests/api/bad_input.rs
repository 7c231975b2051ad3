//! Bad input: clear 4xx problems, and the cart unchanged.

use contracts::problem::Problem;
use serde_json::json;

use crate::helpers::{spawn_app, Caller};

#[tokio::test]
async fn bad_quantities_unknown_products_and_limits_are_4xx_and_change_nothing() {
    let app = spawn_app().await;
    let mut visitor = Caller::default();
    app.add(&mut visitor, 1, 9).await;
    let before = app.view(&mut visitor).await;

    for (product, quantity, status, field) in [
        (1, 0, 400, "quantity"),
        (1, -3, 400, "quantity"),
        (1, 11, 400, "quantity"),
        (0, 1, 400, "productId"),
        (1, 2, 422, "quantity"),
    ] {
        let response = app.add(&mut visitor, product, quantity).await;
        assert_eq!(response.status(), status, "{product} × {quantity}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        let problem: Problem = response.json().await.unwrap();
        assert_eq!(problem.errors[0].field, field);
    }
    let unknown = app.add(&mut visitor, 999_999, 1).await;
    assert_eq!(unknown.status(), 404);
    let set_zero = app
        .call(&mut visitor, "PUT", "/items/1", Some(json!({"quantity": 0})))
        .await;
    assert_eq!(set_zero.status(), 400);
    let not_in_cart = app
        .call(&mut visitor, "PUT", "/items/2", Some(json!({"quantity": 1})))
        .await;
    assert_eq!(not_in_cart.status(), 404);
    let malformed = app
        .call(
            &mut visitor,
            "POST",
            "/items",
            Some(json!({"productId": "seven"})),
        )
        .await;
    assert!(malformed.status().is_client_error(), "{}", malformed.status());
    assert_eq!(malformed.headers()["content-type"], "application/problem+json");
    assert_eq!(app.view(&mut visitor).await, before, "nothing changed");
}

#[tokio::test]
async fn an_unknown_product_makes_no_cart_for_a_new_visitor() {
    let app = spawn_app().await;
    let mut newcomer = Caller::default();
    let response = app.add(&mut newcomer, 999_999, 1).await;
    assert_eq!(response.status(), 404);
    assert!(newcomer.cookie.is_none(), "no cart was made");
}

#[tokio::test]
async fn an_invalid_token_is_401_not_anonymous() {
    let app = spawn_app().await;
    let mut forged = Caller {
        cookie: None,
        token: Some("not.a.token".into()),
    };
    let response = app.add(&mut forged, 1, 1).await;
    assert_eq!(response.status(), 401);
    assert!(forged.cookie.is_none(), "no cart was made");
}
