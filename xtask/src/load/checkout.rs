//! The checkout task as the checkout MFE and the sandbox's page run it: review the cart
//! (`GET /api/orders/preview`), place the order with an idempotency key and the total seen,
//! wait for the payment session's URL, press Pay (or Decline), then follow the order until
//! the saga settles it PAID or CANCELLED — the span reported as "placed → settled".

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use contracts::orders::{OrderPreview, OrderStatus, OrderView, PlaceOrderRequest, ShippingAddress};
use reqwest::Method;

use super::api::{Api, Failure};
use super::stats::Step;

/// How often a waiting page reads the order again (the storefront's pages are told by
/// server-sent events; polling is the load generator's stand-in for them).
const POLL_EVERY: Duration = Duration::from_millis(200);
/// How long an order may take to reach the pay page, and then to settle.
const SETTLE_WITHIN: Duration = Duration::from_secs(30);

/// What became of the orders placed in a run.
#[derive(Debug, Default)]
pub struct Orders {
    /// Accepted by `POST /api/orders`.
    pub placed: AtomicU64,
    /// Seen PAID (or SHIPPED).
    pub paid: AtomicU64,
    /// Seen CANCELLED (declined, or refused by inventory).
    pub cancelled: AtomicU64,
    /// Not settled within [`SETTLE_WITHIN`], or not followed to the end.
    pub unsettled: AtomicU64,
}

/// Places and pays (or declines) the shopper's cart; `decline` presses the other button.
pub async fn checkout(api: &Api, decline: bool, orders: &Orders) -> Result<(), Failure> {
    let preview: OrderPreview = api
        .json(Step::Preview, api.request(Method::GET, "/api/orders/preview"))
        .await?;
    if preview.lines.is_empty() {
        // The cart was emptied by the previous order's payment: nothing to buy.
        return Ok(());
    }
    let body = PlaceOrderRequest {
        shipping_address: address(),
        expected_total_cents: preview.total.cents,
    };
    let request = api
        .request(Method::POST, "/api/orders")
        .header("idempotency-key", uuid::Uuid::new_v4().to_string())
        .json(&body);
    let placed_at = Instant::now();
    let order: OrderView = api.json(Step::PlaceOrder, request).await?;
    orders.placed.fetch_add(1, Ordering::Relaxed);
    let settled = pay_and_follow(api, &order.id, decline).await;
    let failure = settled.as_ref().err();
    api.record(Step::Settled, placed_at.elapsed(), failure);
    let counter = match settled {
        Ok(OrderStatus::Cancelled) => &orders.cancelled,
        Ok(_) => &orders.paid,
        Err(_) => &orders.unsettled,
    };
    counter.fetch_add(1, Ordering::Relaxed);
    settled.map(|_| ())
}

/// Waits for the pay page, presses its button, and waits for the order's last state.
async fn pay_and_follow(api: &Api, id: &str, decline: bool) -> Result<OrderStatus, Failure> {
    let order = follow(api, id, |o| o.checkout_url.is_some() || is_settled(o.status)).await?;
    let Some(url) = order.checkout_url.filter(|_| !is_settled(order.status)) else {
        // Inventory refused it before a payment session opened.
        return Ok(order.status);
    };
    let (step, button) = if decline {
        (Step::Decline, "decline")
    } else {
        (Step::Pay, "pay")
    };
    let press = format!("{}/{button}", path_of(&url));
    api.send(step, api.request(Method::POST, &press)).await?;
    Ok(follow(api, id, |o| is_settled(o.status)).await?.status)
}

/// Reads the order every [`POLL_EVERY`] until `done` says so, for [`SETTLE_WITHIN`] at most.
async fn follow(api: &Api, id: &str, done: impl Fn(&OrderView) -> bool) -> Result<OrderView, Failure> {
    let deadline = Instant::now() + SETTLE_WITHIN;
    loop {
        let request = api.request(Method::GET, &format!("/api/orders/{id}"));
        let order: OrderView = api.json(Step::OrderStatus, request).await?;
        if done(&order) {
            return Ok(order);
        }
        if Instant::now() > deadline {
            return Err(Failure::Transport("unsettled"));
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

fn is_settled(status: OrderStatus) -> bool {
    matches!(
        status,
        OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Cancelled
    )
}

/// The path of the pay page's URL: the sandbox gives a same-origin path, a stack with a
/// public base URL an absolute one on the same gateway.
pub(crate) fn path_of(url: &str) -> &str {
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |slash| &rest[slash..]),
        None => url,
    }
}

/// Where a test shopper's orders go (the load's and the chaos run's).
pub(crate) fn address() -> ShippingAddress {
    ShippingAddress {
        name: "Load Shopper".into(),
        line1: "Rua Augusta 1".into(),
        line2: String::new(),
        postal_code: "1100-048".into(),
        city: "Lisboa".into(),
        country: "PT".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pay_page_is_reached_on_the_target_whatever_origin_its_url_names() {
        assert_eq!(
            path_of("/api/payments/sandbox/checkout/cs_1"),
            "/api/payments/sandbox/checkout/cs_1"
        );
        assert_eq!(
            path_of("https://shop.example/api/payments/sandbox/checkout/cs_1"),
            "/api/payments/sandbox/checkout/cs_1"
        );
        assert_eq!(path_of("http://host"), "/");
    }
}
