//! One virtual shopper: signed in once, then task after task drawn from the profile with a
//! think time between, until the run's deadline. A failed request is counted (by its step)
//! and ends only the task it was in, as a shopper would move on to the next page.

use std::sync::Arc;
use std::time::Instant;

use contracts::cart::{AddItemRequest, CartView};
use contracts::catalog::ProductSort;
use reqwest::Method;
use serde::Deserialize;

use super::accounts::{self, Session};
use super::api::{Api, Failure, Shared};
use super::checkout::{self, Orders};
use super::profile::{Task, ThinkTime};
use super::stats::Step;

/// Words shoppers type into the search box: prefixes of the seeded catalog's names
/// ("kett" finds kettles), and one that finds nothing.
const SEARCHES: [&str; 10] = [
    "kett", "lamp", "copper", "nordic", "backpack", "head", "linen", "mug", "velvet", "zzyzx",
];
/// The grid's page size, as the catalog MFE asks for it.
const PAGE: u32 = 24;

/// What every shopper of a run shares: where, how they behave, what became of the orders.
pub struct Trip {
    /// The catalog's product count (ids `1..=products`).
    pub products: u32,
    /// The pause between tasks.
    pub think: ThinkTime,
    /// Percent of checkouts that press Decline.
    pub decline_percent: u8,
    /// When to stop starting tasks.
    pub deadline: Instant,
    /// The orders' fates.
    pub orders: Arc<Orders>,
}

/// A signed-in shopper.
pub struct Shopper {
    n: usize,
    api: Api,
    rng: fastrand::Rng,
    session: Session,
    /// Units in the cart as the shopper last saw it.
    in_cart: u32,
}

/// A product's stock, as `GET /api/inventory/stock/{id}` says it.
#[derive(Deserialize)]
struct Stock {
    available: i64,
}

impl Shopper {
    /// Shopper `n` with `api` signed in as `session`, choosing with `rng`.
    pub fn new(n: usize, mut api: Api, session: Session, rng: fastrand::Rng) -> Shopper {
        api.sign_in_as(session.token.clone());
        Shopper {
            n,
            api,
            rng,
            session,
            in_cart: 0,
        }
    }

    /// Counts this shopper's requests into `stats` from now on.
    pub fn record_into(&mut self, stats: Shared) {
        self.api.record_into(stats);
    }

    /// Shops until `trip.deadline`.
    pub async fn shop(mut self, trip: &Trip) {
        while Instant::now() < trip.deadline {
            self.stay_signed_in().await;
            let task = Task::pick(&mut self.rng);
            // Counted by its step already; the shopper goes on to the next task.
            let _ = self.run(task, trip).await;
            let left = trip.deadline.saturating_duration_since(Instant::now());
            let pause = trip.think.sample(&mut self.rng).min(left);
            if pause.is_zero() {
                tokio::task::yield_now().await;
            } else {
                tokio::time::sleep(pause).await;
            }
        }
    }

    async fn stay_signed_in(&mut self) {
        if Instant::now() < self.session.renew_at {
            return;
        }
        // A failure is counted under "sign in"; the old token is tried until it expires.
        if let Ok(session) = accounts::renew(&self.api, self.n).await {
            self.api.sign_in_as(session.token.clone());
            self.session = session;
        }
    }

    async fn run(&mut self, task: Task, trip: &Trip) -> Result<(), Failure> {
        match task {
            Task::Home => self.home(trip.products).await,
            Task::Search => self.search().await,
            Task::Product => self.product(trip.products).await,
            Task::AddToCart => self.add_to_cart(trip.products).await,
            Task::ViewCart => self.view_cart().await,
            Task::Checkout => self.checkout(trip).await,
        }
    }

    /// The categories and a page of the grid, in one of the orders the grid offers.
    async fn home(&mut self, products: u32) -> Result<(), Failure> {
        self.get(Step::Categories, "/api/catalog/categories").await?;
        let pages = products.div_ceil(PAGE).max(1);
        let page = self.rng.u32(1..=pages.min(3));
        let sort = ProductSort::ALL[self.rng.usize(0..ProductSort::ALL.len())].as_str();
        let path = format!("/api/catalog/products?page={page}&limit={PAGE}&sort={sort}");
        self.get(Step::ProductList, &path).await
    }

    async fn search(&mut self) -> Result<(), Failure> {
        let words = SEARCHES[self.rng.usize(0..SEARCHES.len())];
        let path = format!("/api/catalog/products?q={words}&limit={PAGE}");
        self.get(Step::Search, &path).await
    }

    /// A product page: the product, then its reviews and stock as the page's slots load.
    async fn product(&mut self, products: u32) -> Result<(), Failure> {
        let id = self.rng.u32(1..=products.max(1));
        self.get(Step::Product, &format!("/api/catalog/products/{id}"))
            .await?;
        self.get(
            Step::Reviews,
            &format!("/api/reviews/products/{id}/reviews?page=1"),
        )
        .await?;
        self.stock(id).await.map(|_| ())
    }

    /// Locust's addToCart: open a product, then put 1–3 of it in the cart if in stock.
    async fn add_to_cart(&mut self, products: u32) -> Result<(), Failure> {
        let id = self.rng.u32(1..=products.max(1));
        self.get(Step::Product, &format!("/api/catalog/products/{id}"))
            .await?;
        let quantity = self.rng.u32(1..=3);
        if self.stock(id).await? < i64::from(quantity) {
            // A shopper sees "out of stock" and moves on.
            return Ok(());
        }
        let item = AddItemRequest {
            product_id: i64::from(id),
            quantity: i64::from(quantity),
        };
        let request = self.api.request(Method::POST, "/api/cart/items").json(&item);
        let cart: CartView = self.api.json(Step::AddToCart, request).await?;
        self.in_cart = cart.item_count;
        Ok(())
    }

    async fn view_cart(&mut self) -> Result<(), Failure> {
        let request = self.api.request(Method::GET, "/api/cart");
        let cart: CartView = self.api.json(Step::Cart, request).await?;
        self.in_cart = cart.item_count;
        Ok(())
    }

    /// Locust's checkout adds to the cart first; so does an empty-handed shopper here.
    async fn checkout(&mut self, trip: &Trip) -> Result<(), Failure> {
        if self.in_cart == 0 {
            self.add_to_cart(trip.products).await?;
            if self.in_cart == 0 {
                return Ok(());
            }
        }
        let decline = self.rng.u8(0..100) < trip.decline_percent;
        let outcome = checkout::checkout(&self.api, decline, &trip.orders).await;
        // A paid order empties the cart (later, on `orders.paid`), a declined one leaves it:
        // the shopper counts on neither until the cart page says, and adds again first.
        self.in_cart = 0;
        outcome
    }

    async fn stock(&mut self, id: u32) -> Result<i64, Failure> {
        let request = self
            .api
            .request(Method::GET, &format!("/api/inventory/stock/{id}"));
        let stock: Stock = self.api.json(Step::Stock, request).await?;
        Ok(stock.available)
    }

    async fn get(&self, step: Step, path: &str) -> Result<(), Failure> {
        self.api
            .send(step, self.api.request(Method::GET, path))
            .await
            .map(|_| ())
    }
}
