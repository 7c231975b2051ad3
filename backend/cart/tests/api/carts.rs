//! A shopper's cart: adding, changing, removing, prices from the catalog, the sign-in merge.

use contracts::cart::CartView;
use serde_json::json;

use crate::helpers::{spawn_app, Caller};

#[tokio::test]
async fn a_visitor_gets_a_cart_on_first_add_priced_by_the_catalog() {
    let app = spawn_app().await;
    let mut visitor = Caller::default();
    let empty = app.view(&mut visitor).await;
    assert_eq!(empty.item_count, 0);
    assert!(visitor.cookie.is_none(), "looking does not create a cart");

    let response = app.add(&mut visitor, 3, 2).await;
    assert_eq!(response.status(), 200);
    assert!(
        visitor.cookie.is_some(),
        "the cart id travels in an HttpOnly cookie"
    );
    let cart: CartView = response.json().await.unwrap();
    assert_eq!(cart.item_count, 2);
    let line = &cart.lines[0];
    assert_eq!(line.product_id, 3);
    assert!(!line.name.is_empty());
    assert_eq!(line.line_total.cents, line.unit_price.cents * 2);
    assert_eq!(cart.total, line.line_total);

    app.add(&mut visitor, 3, 1).await;
    app.add(&mut visitor, 5, 1).await;
    let cart = app.view(&mut visitor).await;
    assert_eq!(cart.item_count, 4);
    assert_eq!(
        cart.lines
            .iter()
            .map(|l| (l.product_id, l.quantity))
            .collect::<Vec<_>>(),
        [(3, 3), (5, 1)]
    );
}

#[tokio::test]
async fn quantities_change_and_lines_go() {
    let app = spawn_app().await;
    let mut visitor = Caller::default();
    app.add(&mut visitor, 1, 1).await;
    app.add(&mut visitor, 2, 1).await;
    let response = app
        .call(&mut visitor, "PUT", "/items/1", Some(json!({"quantity": 7})))
        .await;
    assert_eq!(response.status(), 200);
    let cart: CartView = response.json().await.unwrap();
    assert_eq!(cart.lines[0].quantity, 7);
    let response = app.call(&mut visitor, "DELETE", "/items/2", None).await;
    let cart: CartView = response.json().await.unwrap();
    assert_eq!(cart.item_count, 7);
    assert_eq!(cart.lines.len(), 1);
}

#[tokio::test]
async fn a_visitor_cart_is_merged_into_the_users_at_sign_in() {
    let app = spawn_app().await;
    let grant = app.sign_up("merge@example.com").await;
    let mut user = Caller {
        cookie: None,
        token: Some(grant.access_token.clone()),
    };
    app.add(&mut user, 4, 2).await; // the user's cart from an earlier visit
    assert!(user.cookie.is_none(), "a user's cart needs no cookie");

    let mut visitor = Caller::default();
    app.add(&mut visitor, 4, 9).await;
    app.add(&mut visitor, 6, 1).await;
    // The visitor signs in: same browser (cookie), now with a token.
    visitor.token = Some(grant.access_token);
    let merged = app.view(&mut visitor).await;
    assert!(
        visitor.cookie.is_none(),
        "the visitor cookie is cleared after the merge"
    );
    let lines: Vec<_> = merged.lines.iter().map(|l| (l.product_id, l.quantity)).collect();
    assert_eq!(lines, [(4, 10), (6, 1)], "quantities add up, capped at 10");
    assert_eq!(app.view(&mut user).await, merged, "it is the user's cart now");
}

#[tokio::test]
async fn another_visitors_cookie_or_a_forged_one_reaches_nothing() {
    let app = spawn_app().await;
    let mut alice = Caller::default();
    app.add(&mut alice, 8, 1).await;
    let mut mallory = Caller {
        cookie: Some("00000000-0000-0000-0000-000000000000".into()),
        token: None,
    };
    assert_eq!(app.view(&mut mallory).await.item_count, 0);
    let response = app.call(&mut mallory, "DELETE", "/items/8", None).await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        app.view(&mut alice).await.item_count,
        1,
        "alice's cart is untouched"
    );

    // A user's cart cannot be reached with its id as a visitor cookie.
    let grant = app.sign_up("owner@example.com").await;
    let mut owner = Caller {
        cookie: None,
        token: Some(grant.access_token),
    };
    app.add(&mut owner, 2, 3).await;
    let mut thief = Caller::default();
    assert_eq!(app.view(&mut thief).await.item_count, 0);
}

#[tokio::test]
async fn requests_racing_at_sign_in_merge_the_visitor_cart_once() {
    let app = spawn_app().await;
    let grant = app.sign_up("race@example.com").await;
    let mut visitor = Caller::default();
    app.add(&mut visitor, 4, 2).await;
    app.add(&mut visitor, 6, 1).await;
    // The visitor signs in, and the page's parts all ask for the cart at once.
    visitor.token = Some(grant.access_token.clone());
    let mut callers = vec![visitor.clone(); 6];
    let views = futures::future::join_all(callers.iter_mut().map(|c| app.view(c))).await;
    for view in views {
        let lines: Vec<_> = view.lines.iter().map(|l| (l.product_id, l.quantity)).collect();
        assert_eq!(
            lines,
            [(4, 2), (6, 1)],
            "the cart was given over once, not merged into itself"
        );
    }
    let mut user = Caller {
        cookie: None,
        token: Some(grant.access_token),
    };
    let lines: Vec<_> = app
        .view(&mut user)
        .await
        .lines
        .iter()
        .map(|l| (l.product_id, l.quantity))
        .collect();
    assert_eq!(lines, [(4, 2), (6, 1)]);
}
