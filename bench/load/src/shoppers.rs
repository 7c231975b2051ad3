//! Shoppers through the gateway, as a browser's calls would be: sign up, fill a cart, place
//! the order, and afterwards list one's orders.

use std::time::Instant;

use anyhow::{bail, Context, Result};
use contracts::cart::{AddItemRequest, CartView};
use contracts::identity::{RegisterRequest, SessionGrant};
use contracts::orders::{OrderView, PlaceOrderRequest, ShippingAddress};
use futures::{stream, StreamExt, TryStreamExt};

/// Sign-ups at once: argon2 makes each one cost CPU on purpose, more only queue.
pub const SIGNING_UP: usize = 8;
/// Seeded products (every 16th is sold out, so skipped).
pub const PRODUCTS: i64 = 128;

/// A signed-in shopper with a filled cart.
pub struct Shopper {
    token: String,
    expected_total_cents: i64,
}

/// An order that was accepted, and when it was sent.
pub struct Placed {
    /// The order's id.
    pub order_id: String,
    /// When the placing request left.
    pub sent: Instant,
}

/// Signs up `count` shoppers, each with one unit of a product in their cart.
pub async fn sign_up(http: &reqwest::Client, base: &str, count: usize) -> Result<Vec<Shopper>> {
    let run = uuid::Uuid::new_v4().simple().to_string();
    stream::iter(0..count)
        .map(|n| {
            let email = email(&run, n);
            let product = (n as i64 % (PRODUCTS - PRODUCTS / 16)) * 16 / 15 + 1;
            one_shopper(http, base, email, product)
        })
        .buffer_unordered(SIGNING_UP)
        .try_collect()
        .await
}

/// Registers a new account (`email` must be unused) and returns its access token.
pub async fn register(http: &reqwest::Client, base: &str, email: String) -> Result<String> {
    let register = RegisterRequest {
        name: "Load Shopper".into(),
        email,
        password: "correct horse battery".into(),
    };
    let grant: SessionGrant =
        ok_json(http.post(format!("{base}/api/identity/users")).json(&register)).await?;
    Ok(grant.access_token)
}

/// A fresh e-mail address per run and number, so runs never collide.
pub fn email(run: &str, n: usize) -> String {
    format!("load-{}-{n}@example.com", &run[..8.min(run.len())])
}

async fn one_shopper(http: &reqwest::Client, base: &str, email: String, product: i64) -> Result<Shopper> {
    let token = register(http, base, email).await?;
    let item = AddItemRequest {
        product_id: product,
        quantity: 1,
    };
    let cart: CartView = ok_json(
        http.post(format!("{base}/api/cart/items"))
            .bearer_auth(&token)
            .json(&item),
    )
    .await?;
    Ok(Shopper {
        token,
        expected_total_cents: cart.total.cents,
    })
}

/// Places `shopper`'s order.
pub async fn place(http: &reqwest::Client, base: &str, shopper: &Shopper) -> Result<Placed> {
    let body = PlaceOrderRequest {
        shipping_address: ShippingAddress {
            name: "Load Shopper".into(),
            line1: "Rua Augusta 1".into(),
            line2: String::new(),
            postal_code: "1100-048".into(),
            city: "Lisboa".into(),
            country: "PT".into(),
        },
        expected_total_cents: shopper.expected_total_cents,
    };
    let sent = Instant::now();
    let order: OrderView = ok_json(
        http.post(format!("{base}/api/orders"))
            .bearer_auth(&shopper.token)
            .header("idempotency-key", uuid::Uuid::new_v4().to_string())
            .json(&body),
    )
    .await?;
    Ok(Placed {
        order_id: order.id,
        sent,
    })
}

/// How many orders each shopper has, as their order list shows it.
pub async fn orders_per_shopper(
    http: &reqwest::Client,
    base: &str,
    shoppers: &[Shopper],
    connections: usize,
) -> Result<Vec<usize>> {
    stream::iter(shoppers)
        .map(|shopper| async move {
            let orders: Vec<OrderView> =
                ok_json(http.get(format!("{base}/api/orders")).bearer_auth(&shopper.token)).await?;
            Ok::<_, anyhow::Error>(orders.len())
        })
        .buffer_unordered(connections)
        .try_collect()
        .await
}

/// Sends `request`; a non-2xx answer is an error carrying its body.
pub async fn ok_json<T: serde::de::DeserializeOwned>(request: reqwest::RequestBuilder) -> Result<T> {
    let response = request.send().await?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        bail!("{status}: {body}");
    }
    response.json().await.context("reading the answer")
}
