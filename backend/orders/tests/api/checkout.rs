//! The whole saga with every real service: place, reserve, pay on the sandbox page (a signed
//! webhook over HTTP), PAID, stock committed, cart emptied, shipped — and the decline and
//! unpaid-timeout paths.

use std::time::Duration;

use contracts::orders::{OrderStatus, OrderView};

use crate::helpers::{spawn_with_payment_timeout, spawn_with_payments, TestApp};

/// Presses a button on the sandbox pay page of `order`, as the shopper's browser would.
async fn press(app: &TestApp, order: &OrderView, button: &str) {
    let url = order
        .checkout_url
        .as_deref()
        .expect("a pay page while awaiting payment");
    let path = url.trim_start_matches("/api/payments");
    let base = app.payments.as_deref().unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client.get(format!("{base}{path}")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let response = client
        .post(format!("{base}{path}/{button}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("/account/orders/{}", order.id)
    );
}

#[tokio::test]
async fn an_order_is_paid_on_the_sandbox_page_and_shipped() {
    let app = spawn_with_payments().await;
    let token = app.shopper("buyer@example.com").await;
    let total = app.fill_cart(&token, &[(10, 2)]).await;
    let stock = app.available(10).await;
    let placed: OrderView = app
        .place(&token, total, Some("buy-1"))
        .await
        .json()
        .await
        .unwrap();
    let awaiting = app
        .wait_status(&token, &placed.id, OrderStatus::AwaitingPayment)
        .await;
    press(&app, &awaiting, "pay").await;
    let paid = app.wait_status(&token, &placed.id, OrderStatus::Paid).await;
    assert_eq!(
        paid.history.iter().map(|h| h.status).take(3).collect::<Vec<_>>(),
        [
            OrderStatus::Pending,
            OrderStatus::AwaitingPayment,
            OrderStatus::Paid
        ]
    );
    for _ in 0..200 {
        if app.cart_count(&token).await == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(app.cart_count(&token).await, 0, "bought items left the cart");
    assert_eq!(app.available(10).await, stock - 2, "sold units stay gone");
    let shipped = app.wait_status(&token, &placed.id, OrderStatus::Shipped).await;
    assert!(shipped
        .tracking_code
        .as_deref()
        .is_some_and(|c| c.starts_with("MC")));
}

#[tokio::test]
async fn a_declined_payment_on_the_sandbox_page_cancels_the_order() {
    let app = spawn_with_payments().await;
    let token = app.shopper("decliner@example.com").await;
    let total = app.fill_cart(&token, &[(11, 1)]).await;
    let stock = app.available(11).await;
    let placed: OrderView = app.place(&token, total, None).await.json().await.unwrap();
    let awaiting = app
        .wait_status(&token, &placed.id, OrderStatus::AwaitingPayment)
        .await;
    press(&app, &awaiting, "decline").await;
    let cancelled = app.wait_status(&token, &placed.id, OrderStatus::Cancelled).await;
    assert_eq!(
        cancelled.history.last().unwrap().reason.as_deref(),
        Some("Payment declined.")
    );
    app.wait_available(11, stock).await;
    assert_eq!(app.cart_count(&token).await, 1, "the cart is kept");
}

#[tokio::test]
async fn a_session_left_unpaid_past_its_timeout_cancels_and_releases_the_stock() {
    let app = spawn_with_payment_timeout(Duration::from_secs(2)).await;
    let token = app.shopper("dawdler@example.com").await;
    let total = app.fill_cart(&token, &[(14, 2)]).await;
    let stock = app.available(14).await;
    let placed: OrderView = app.place(&token, total, None).await.json().await.unwrap();
    let awaiting = app
        .wait_status(&token, &placed.id, OrderStatus::AwaitingPayment)
        .await;
    app.wait_available(14, stock - 2).await;
    let cancelled = app.wait_status(&token, &placed.id, OrderStatus::Cancelled).await;
    let reason = cancelled.history.last().unwrap().reason.clone().unwrap();
    assert_eq!(reason, "Payment timed out.");
    app.wait_available(14, stock).await;
    // Too late now: the pay page no longer takes the payment.
    let url = awaiting.checkout_url.unwrap();
    let path = url.trim_start_matches("/api/payments");
    let base = app.payments.as_deref().unwrap();
    let late = reqwest::Client::new()
        .post(format!("{base}{path}/pay"))
        .send()
        .await
        .unwrap();
    assert!(late.status().is_client_error(), "{}", late.status());
    let view: OrderView = app.order(&token, &placed.id).await.json().await.unwrap();
    assert_eq!(view.status, OrderStatus::Cancelled);
}
