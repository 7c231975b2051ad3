//! The order load a chaos run keeps up: shoppers through the gateway, each placing orders one
//! after another and paying or declining each on the sandbox's pay page, retrying what a
//! careful client retries while processes die under them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::load::checkout::{address, path_of};

/// How long one call may keep being retried before the shopper gives up on it.
const RETRY_FOR: Duration = Duration::from_secs(90);
/// How long an order may take to reach the state a shopper waits for.
const SETTLE_FOR: Duration = Duration::from_secs(120);
/// Seeded products (every 16th is sold out, so orders of those are rejected: also a path).
const PRODUCTS: u64 = 128;

/// What the shopper meant for one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Pressed "Pay".
    Pay,
    /// Pressed "Decline".
    Decline,
    /// Never got a pay page (out of stock: the order was cancelled).
    Rejected,
}

/// One order as the shopper placed it.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The order's id.
    pub order_id: String,
    /// What the shopper did.
    pub intent: Intent,
}

/// What the load did, for the checker and the report.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Every order placed, in order.
    pub placed: Vec<Placed>,
    /// Calls that failed and were sent again.
    pub retried: usize,
}

/// Runs `shoppers` shoppers until `orders` orders are placed; `pay_share` of them paid.
pub async fn run(base: &str, shoppers: usize, orders: usize, pay_share: f64, seed: u64) -> Result<Outcome> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(15))
        .build()?;
    let client = Client {
        http,
        base: base.trim_end_matches('/').to_string(),
        retried: Arc::default(),
    };
    let run = uuid::Uuid::new_v4().simple().to_string();
    let mut tokens = Vec::new();
    for n in 0..shoppers {
        tokens.push(
            client
                .register(&format!("chaos-{}-{n}@example.com", &run[..8]))
                .await?,
        );
    }
    let left = Arc::new(AtomicUsize::new(orders));
    let placed = Arc::new(Mutex::new(Vec::new()));
    let progress = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = tokens
        .iter()
        .enumerate()
        .map(|(n, token)| {
            let shopper = Shopper {
                client: client.clone(),
                token: token.clone(),
                rng: fastrand::Rng::with_seed(seed.wrapping_add(n as u64 + 1)),
            };
            let (left, placed, progress) = (left.clone(), placed.clone(), progress.clone());
            tokio::spawn(async move { shopper.keep_buying(left, placed, progress, pay_share).await })
        })
        .collect();
    let reporter = tokio::spawn(report_progress(progress.clone(), orders));
    for task in tasks {
        task.await.context("a shopper task panicked")??;
    }
    reporter.abort();
    println!();
    let placed = std::mem::take(&mut *placed.lock().map_err(|_| anyhow::anyhow!("poisoned"))?);
    Ok(Outcome {
        placed,
        retried: client.retried.load(Ordering::Relaxed),
    })
}

async fn report_progress(done: Arc<AtomicUsize>, of: usize) {
    let started = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let n = done.load(Ordering::Relaxed);
        print!("\r  orders settled {n}/{of} after {:.0?}   ", started.elapsed());
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
    }
}

struct Shopper {
    client: Client,
    token: String,
    rng: fastrand::Rng,
}

impl Shopper {
    async fn keep_buying(
        mut self,
        left: Arc<AtomicUsize>,
        placed: Arc<Mutex<Vec<Placed>>>,
        progress: Arc<AtomicUsize>,
        pay_share: f64,
    ) -> Result<()> {
        while left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            let pay = self.rng.f64() < pay_share;
            let product = self.rng.u64(1..=PRODUCTS);
            let order = self.buy_one(product, pay).await?;
            placed
                .lock()
                .map_err(|_| anyhow::anyhow!("poisoned"))?
                .push(order);
            progress.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Fills the cart, places the order, pays or declines it, and waits until it settles and
    /// the cart is empty again (so the next order holds only its own line).
    async fn buy_one(&self, product: u64, pay: bool) -> Result<Placed> {
        let token = Some(self.token.as_str());
        let cart = self
            .client
            .call(
                "POST",
                "/api/cart/items",
                token,
                Some(json!({"productId": product, "quantity": 1})),
            )
            .await?;
        let total = cart["total"]["cents"].as_i64().context("the cart has no total")?;
        let key = uuid::Uuid::new_v4().to_string();
        let body = json!({"shippingAddress": address(), "expectedTotalCents": total});
        let order = self
            .client
            .call_keyed("POST", "/api/orders", token, Some(body), &key)
            .await?;
        let id = order["id"].as_str().context("the order has no id")?.to_string();
        let path = format!("/api/orders/{id}");
        let page = self
            .client
            .wait(&path, token, |o| {
                o["checkoutUrl"]
                    .as_str()
                    .map(String::from)
                    .or_else(|| (o["status"] == "CANCELLED").then(String::new))
            })
            .await?;
        let intent = if page.is_empty() {
            Intent::Rejected
        } else {
            let pay_path = path_of(&page);
            let button = if pay { "pay" } else { "decline" };
            self.client
                .call("POST", &format!("{pay_path}/{button}"), None, None)
                .await?;
            if pay {
                Intent::Pay
            } else {
                Intent::Decline
            }
        };
        self.client
            .wait(&path, token, |o| {
                matches!(o["status"].as_str(), Some("PAID" | "SHIPPED" | "CANCELLED")).then_some(())
            })
            .await?;
        if intent != Intent::Pay {
            // A cancelled order leaves the cart as it was: the shopper takes the line out.
            self.client
                .call("DELETE", &format!("/api/cart/items/{product}"), token, None)
                .await?;
        }
        self.client
            .wait("/api/cart", token, |c| (c["itemCount"] == 0).then_some(()))
            .await?;
        Ok(Placed { order_id: id, intent })
    }
}

#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    base: String,
    retried: Arc<AtomicUsize>,
}

impl Client {
    async fn register(&self, email: &str) -> Result<String> {
        let body = json!({"name": "Chaos Shopper", "email": email, "password": "correct horse battery"});
        let grant = self.call("POST", "/api/identity/users", None, Some(body)).await?;
        Ok(grant["accessToken"]
            .as_str()
            .context("no access token")?
            .to_string())
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<Value> {
        self.send(method, path, token, body, None).await
    }

    async fn call_keyed(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        key: &str,
    ) -> Result<Value> {
        self.send(method, path, token, body, Some(key)).await
    }

    /// Sends until an answer that is not worth retrying: connection errors, 429 and
    /// 502/503/504 are sent again (every call here is safe to repeat), anything else 4xx/5xx
    /// is an error.
    async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        key: Option<&str>,
    ) -> Result<Value> {
        let deadline = Instant::now() + RETRY_FOR;
        let mut pause = Duration::from_millis(50);
        let mut retried = false;
        loop {
            let mut request = self.http.request(method.parse()?, format!("{}{path}", self.base));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(key) = key {
                request = request.header("idempotency-key", key);
            }
            if let Some(body) = &body {
                request = request.json(body);
            }
            let why = match request.send().await {
                Ok(response) if response.status().is_success() || response.status().is_redirection() => {
                    let text = response.text().await.unwrap_or_default();
                    return Ok(serde_json::from_str(&text).unwrap_or(Value::Null));
                }
                Ok(response) if matches!(response.status().as_u16(), 429 | 502 | 503 | 504) => {
                    format!("{}", response.status())
                }
                // A retried removal whose first try landed before its answer was lost.
                Ok(response) if method == "DELETE" && response.status() == 404 && retried => {
                    return Ok(Value::Null);
                }
                Ok(response) => {
                    let status = response.status();
                    bail!(
                        "{method} {path} answered {status}: {}",
                        response.text().await.unwrap_or_default()
                    );
                }
                Err(err) => err.to_string(),
            };
            if Instant::now() > deadline {
                bail!("{method} {path} kept failing for {RETRY_FOR:?}: {why}");
            }
            self.retried.fetch_add(1, Ordering::Relaxed);
            retried = true;
            tokio::time::sleep(pause).await; // backoff before a retry, not a wait for a state
            pause = (pause * 2).min(Duration::from_secs(1));
        }
    }

    /// Reads `path` until `ready` finds what it waits for.
    async fn wait<T>(
        &self,
        path: &str,
        token: Option<&str>,
        ready: impl Fn(&Value) -> Option<T>,
    ) -> Result<T> {
        let deadline = Instant::now() + SETTLE_FOR;
        loop {
            let value = self.call("GET", path, token, None).await?;
            if let Some(found) = ready(&value) {
                return Ok(found);
            }
            if Instant::now() > deadline {
                bail!("{path} did not settle within {SETTLE_FOR:?}: last {value}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
