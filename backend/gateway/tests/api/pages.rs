//! `/api/pages/product/{id}`: the product, its rating and reviews, and its stock, fetched at
//! once from three real (small) services; partial when one fails or is slow, by the deadline.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, Request};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use contracts::catalog::{Money, ProductDetail, ProductRating, ProductSummary};
use contracts::inventory::StockLevel;
use contracts::pages::{MissingPart, MissingReason, PagePart, ProductPageView};
use contracts::reviews::{RatingSummary, ReviewSort, ReviewsPage};
use contracts::services::{INVENTORY, REVIEWS};
use mercado_gateway::aggregate::PageDeadlines;
use tokio::sync::Notify;

use crate::helpers::{spawn_configured, TestGateway};

/// What one of the services was sent.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    user_id: Option<String>,
    authorization: Option<String>,
    request_id: Option<String>,
    traceparent: Option<String>,
    client_address: Option<String>,
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// Product 404 and stock of product 77 are unknown to their services.
const NO_SUCH_PRODUCT: i64 = 404;
const NOT_STOCKED: i64 = 77;

fn product(id: i64) -> ProductDetail {
    ProductDetail {
        summary: ProductSummary {
            id,
            name: "Blue mug".into(),
            category: "kitchen".into(),
            price: Money::eur(1299),
            image_url: format!("/catalog/products/{id}/image.svg"),
            rating: ProductRating::default(),
        },
        category_name: "Kitchen".into(),
        description: "A mug.".into(),
    }
}

fn reviews(id: i64) -> ReviewsPage {
    ReviewsPage {
        product_id: id,
        summary: RatingSummary {
            average: 4.5,
            count: 2,
            distribution: [0, 0, 0, 1, 1],
            revision: 2,
        },
        reviews: Vec::new(),
        page: 1,
        total_pages: 1,
        sort: ReviewSort::default(),
        mine: None,
    }
}

fn seen(log: &Log, request: &Request) {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    log.lock().unwrap().push(Seen {
        path: request.uri().path().to_string(),
        user_id: header("x-user-id"),
        authorization: header("authorization"),
        request_id: header("x-request-id"),
        traceparent: header("traceparent"),
        client_address: header("x-client-address"),
    });
}

/// Catalog, reviews and inventory in one small server (their paths do not overlap), logging
/// what each was sent.
fn services(log: Log) -> Router {
    let (l1, l2, l3) = (log.clone(), log.clone(), log);
    Router::new()
        .route(
            "/products/{id}",
            get(move |Path(id): Path<i64>, request: Request| async move {
                seen(&l1, &request);
                if id == NO_SUCH_PRODUCT {
                    return StatusCode::NOT_FOUND.into_response();
                }
                Json(product(id)).into_response()
            }),
        )
        .route(
            "/products/{id}/reviews",
            get(move |Path(id): Path<i64>, request: Request| async move {
                seen(&l2, &request);
                Json(reviews(id))
            }),
        )
        .route(
            "/stock/{id}",
            get(move |Path(id): Path<i64>, request: Request| async move {
                seen(&l3, &request);
                if id == NOT_STOCKED {
                    return StatusCode::NOT_FOUND.into_response();
                }
                Json(StockLevel {
                    product_id: id,
                    available: 3,
                })
                .into_response()
            }),
        )
}

/// A service that never answers anything (it waits on a notification nobody sends).
fn hanging() -> Router {
    let never = Arc::new(Notify::new());
    Router::new().fallback(move || {
        let never = never.clone();
        async move {
            never.notified().await;
            "unreachable"
        }
    })
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// An address nothing listens on.
async fn closed() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

/// Where each of the three services is.
struct Where {
    catalog: String,
    reviews: String,
    inventory: String,
}

async fn all_live(log: &Log) -> Where {
    let url = serve(services(log.clone())).await;
    Where {
        catalog: url.clone(),
        reviews: url.clone(),
        inventory: url,
    }
}

async fn gateway(at: Where, deadlines: PageDeadlines) -> TestGateway {
    spawn_configured(Some(vec![at.catalog]), move |s| {
        s.upstreams.push((REVIEWS, vec![at.reviews]));
        s.upstreams.push((INVENTORY, vec![at.inventory]));
        s.pages = deadlines;
    })
    .await
}

async fn page(gw: &TestGateway, id: &str) -> ProductPageView {
    let response = gw.fetch(&format!("/api/pages/product/{id}")).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn assert_problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    response.json().await.unwrap()
}

fn missing(part: PagePart, reason: MissingReason) -> MissingPart {
    MissingPart { part, reason }
}

#[tokio::test]
async fn a_whole_page_comes_from_the_three_services_in_one_answer() {
    let log = Log::default();
    let gw = gateway(all_live(&log).await, PageDeadlines::default()).await;
    let response = gw
        .get("/api/pages/product/7")
        .header("x-request-id", "page-1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let view: ProductPageView = response.json().await.unwrap();
    assert_eq!(view.product, product(7));
    assert_eq!(view.reviews, Some(reviews(7)));
    assert_eq!(view.rating, Some(reviews(7).summary));
    assert_eq!(
        view.stock,
        Some(StockLevel {
            product_id: 7,
            available: 3
        })
    );
    assert!(view.missing.is_empty(), "{:?}", view.missing);

    let mut calls = log.lock().unwrap().clone();
    calls.sort_by(|a, b| a.path.cmp(&b.path));
    let paths: Vec<&str> = calls.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["/products/7", "/products/7/reviews", "/stock/7"]);
    for call in &calls {
        assert_eq!(call.request_id.as_deref(), Some("page-1"), "{call:?}");
        assert_eq!(call.client_address.as_deref(), Some("127.0.0.1"), "{call:?}");
        assert!(
            call.traceparent.is_some(),
            "each part continues the trace: {call:?}"
        );
        assert_eq!(call.user_id, None, "{call:?}");
    }
    let compressed = gw
        .get("/api/pages/product/7")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn a_signed_in_caller_is_passed_to_reviews_only_and_a_bad_token_is_refused() {
    let log = Log::default();
    let gw = gateway(all_live(&log).await, PageDeadlines::default()).await;
    let grant = gw.register("pages@example.com").await;
    let bearer = format!("Bearer {}", grant.access_token);
    let response = gw
        .get("/api/pages/product/7")
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    for call in log.lock().unwrap().iter() {
        let personal = call.path.ends_with("/reviews");
        let user = personal.then(|| grant.user.id.clone());
        assert_eq!(call.user_id, user, "{call:?}");
        assert_eq!(call.authorization.is_some(), personal, "{call:?}");
    }
    let forged = gw
        .get("/api/pages/product/7")
        .header("authorization", "Bearer not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
}

#[tokio::test]
async fn with_reviews_down_the_page_is_partial_and_names_what_it_lacks() {
    let log = Log::default();
    let mut at = all_live(&log).await;
    at.reviews = closed().await;
    let gw = gateway(at, PageDeadlines::default()).await;
    let view = page(&gw, "7").await;
    assert_eq!(view.product, product(7));
    assert_eq!(
        view.stock,
        Some(StockLevel {
            product_id: 7,
            available: 3
        })
    );
    assert_eq!((view.rating, view.reviews), (None, None));
    assert_eq!(
        view.missing,
        [
            missing(PagePart::Rating, MissingReason::Unavailable),
            missing(PagePart::Reviews, MissingReason::Unavailable),
        ]
    );
    let metrics = gw.fetch("/metrics").await.text().await.unwrap();
    for series in [
        r#"gateway_page_parts_total{page="product",part="reviews",outcome="unavailable"} "#,
        r#"gateway_page_parts_total{page="product",part="stock",outcome="ok"} "#,
        r#"gateway_pages_total{page="product",outcome="partial"} "#,
        r#"gateway_upstream_requests_total{service="reviews",class="5xx"} "#,
    ] {
        assert!(metrics.contains(series), "{series} missing from\n{metrics}");
    }
}

#[tokio::test]
async fn a_product_not_stocked_is_a_page_without_stock() {
    let log = Log::default();
    let gw = gateway(all_live(&log).await, PageDeadlines::default()).await;
    let view = page(&gw, &NOT_STOCKED.to_string()).await;
    assert!(view.reviews.is_some());
    assert_eq!(view.stock, None);
    assert_eq!(view.missing, [missing(PagePart::Stock, MissingReason::NotFound)]);
}

#[tokio::test]
async fn a_slow_part_is_left_out_and_the_page_still_arrives_by_its_deadline() {
    let log = Log::default();
    let mut at = all_live(&log).await;
    at.inventory = serve(hanging()).await;
    let deadlines = PageDeadlines {
        page: Duration::from_secs(3),
        part: Duration::from_millis(300),
    };
    let gw = gateway(at, deadlines).await;
    let started = Instant::now();
    let view = page(&gw, "7").await;
    assert!(started.elapsed() < deadlines.page, "took {:?}", started.elapsed());
    assert!(view.reviews.is_some());
    assert_eq!(view.missing, [missing(PagePart::Stock, MissingReason::Timeout)]);
    // Cut by the page, not failed by the service: its breaker stays closed, so the next
    // page waits for it again (and is cut again) rather than being refused at once.
    for _ in 0..6 {
        let view = page(&gw, "7").await;
        assert_eq!(view.missing, [missing(PagePart::Stock, MissingReason::Timeout)]);
    }
}

#[tokio::test]
async fn a_slow_catalog_is_a_504_problem_by_the_page_deadline() {
    let log = Log::default();
    let mut at = all_live(&log).await;
    at.catalog = serve(hanging()).await;
    let deadlines = PageDeadlines {
        page: Duration::from_millis(400),
        part: Duration::from_millis(200),
    };
    let gw = gateway(at, deadlines).await;
    let started = Instant::now();
    let problem = assert_problem(gw.fetch("/api/pages/product/7").await, 504).await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(problem["type"], "/problems/service-timeout");
}

#[tokio::test]
async fn a_product_the_catalog_does_not_have_is_a_404_problem_without_waiting_for_the_rest() {
    let log = Log::default();
    let mut at = all_live(&log).await;
    at.reviews = serve(hanging()).await;
    let deadlines = PageDeadlines {
        page: Duration::from_secs(30),
        part: Duration::from_secs(30),
    };
    let gw = gateway(at, deadlines).await;
    let started = Instant::now();
    let problem = assert_problem(
        gw.fetch(&format!("/api/pages/product/{NO_SUCH_PRODUCT}")).await,
        404,
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the hanging reviews part was dropped, not waited for: {:?}",
        started.elapsed()
    );
    assert_eq!(problem["type"], "/problems/not-found");
}

#[tokio::test]
async fn a_bad_id_or_method_is_a_4xx_problem_and_no_service_is_called() {
    let log = Log::default();
    let gw = gateway(all_live(&log).await, PageDeadlines::default()).await;
    let problem = assert_problem(gw.fetch("/api/pages/product/abc").await, 400).await;
    assert_eq!(problem["type"], "/problems/invalid-path");
    let problem = assert_problem(gw.fetch("/api/pages/product/0").await, 400).await;
    assert_eq!(problem["errors"][0]["field"], "id");
    assert_problem(gw.fetch("/api/pages/product/99999999999999999999").await, 400).await;
    assert_problem(gw.post("/api/pages/product/7").send().await.unwrap(), 405).await;
    assert_problem(gw.fetch("/api/pages/nothing").await, 404).await;
    assert!(log.lock().unwrap().is_empty(), "{:?}", log.lock().unwrap());
}
