//! The partner API through the real gateway and the real identity: keys issued by identity's
//! admin API, per-key rate and daily quota with the RateLimit headers, revocation within the
//! cache's bound, browser limits untouched, and the v1 shape mapped from the catalog's.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::routing::get;
use axum::Router;
use contracts::catalog::{Money, ProductDetail, ProductPage, ProductRating, ProductSummary};
use contracts::partner::{IssuedKey, PartnerProductDetail, PartnerProductPage, TierLimits};
use contracts::problem::Problem;
use futures::future::join_all;
use mercado_gateway::config::RateLimits;
use serde_json::json;

use crate::helpers::{spawn_configured, TestGateway, ADMIN_TOKEN};

fn kettle() -> ProductSummary {
    ProductSummary {
        id: 7,
        name: "Kettle".into(),
        category: "kitchen".into(),
        price: Money::eur(2999),
        image_url: "/catalog/products/7/image.svg".into(),
        rating: ProductRating {
            average: 4.5,
            count: 2,
            revision: 9,
        },
    }
}

/// A catalog answering with its own DTOs; remembers the last path and query it was asked.
async fn spawn_catalog(asked: Arc<Mutex<String>>) -> String {
    let remember = move |request: Request| {
        *asked.lock().unwrap() = request.uri().to_string();
    };
    let list = {
        let remember = remember.clone();
        move |request: Request| async move {
            remember(request);
            axum::Json(ProductPage {
                items: vec![kettle()],
                page: 2,
                limit: 5,
                total: 6,
                last_page: 2,
            })
        }
    };
    let detail = move |axum::extract::Path(id): axum::extract::Path<i64>| async move {
        if id != 7 {
            return Err(axum::http::StatusCode::NOT_FOUND);
        }
        Ok(axum::Json(ProductDetail {
            summary: kettle(),
            category_name: "Kitchen".into(),
            description: "Boils water.".into(),
        }))
    };
    let app = Router::new()
        .route("/products", get(list))
        .route("/products/{id}", get(detail))
        .fallback(get(|| async { "catalog" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

async fn spawn_partner(
    configure: impl FnOnce(&mut mercado_gateway::config::Settings),
) -> (TestGateway, Arc<Mutex<String>>) {
    let asked = Arc::new(Mutex::new(String::new()));
    let catalog = spawn_catalog(asked.clone()).await;
    (spawn_configured(Some(vec![catalog]), configure).await, asked)
}

impl TestGateway {
    async fn issue(&self, tier: &str) -> IssuedKey {
        let response = self
            .http
            .post(format!("{}/admin/partner-keys", self.identity_url()))
            .bearer_auth(ADMIN_TOKEN)
            .json(&json!({"partner": "Acme", "tier": tier}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    async fn revoke(&self, id: &str) {
        let response = self
            .http
            .delete(format!("{}/admin/partner-keys/{id}", self.identity_url()))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }

    async fn partner(&self, path: &str, key: &str) -> reqwest::Response {
        self.get(path).header("x-api-key", key).send().await.unwrap()
    }

    /// `count` calls at once with `key`; their statuses.
    async fn burst(&self, key: &str, count: usize) -> Vec<reqwest::Response> {
        join_all((0..count).map(|_| self.partner("/partner/v1/products/7", key))).await
    }
}

fn statuses(responses: &[reqwest::Response]) -> (usize, usize) {
    let ok = responses.iter().filter(|r| r.status() == 200).count();
    let limited = responses.iter().filter(|r| r.status() == 429).count();
    (ok, limited)
}

#[tokio::test]
async fn a_free_key_is_held_to_five_a_second_with_the_headers() {
    let (gw, _) = spawn_partner(|_| {}).await;
    let key = gw.issue("free").await.key;
    let first = gw.partner("/partner/v1/products/7", &key).await;
    assert_eq!(first.status(), 200);
    assert_eq!(
        first.headers()["ratelimit-policy"],
        "\"burst\";q=5;w=1, \"daily\";q=1000;w=86400"
    );
    let state = first.headers()["ratelimit"].to_str().unwrap();
    assert!(
        state.starts_with("\"burst\";r=4;t=1, \"daily\";r=999;t="),
        "{state}"
    );

    let responses = gw.burst(&key, 10).await;
    let (ok, limited) = statuses(&responses);
    // Four left in the bucket, and perhaps one more refilled while the ten were sent.
    assert!(
        (4..=5).contains(&ok) && ok + limited == 10,
        "{ok} ok, {limited} limited"
    );
    let refused = responses.iter().find(|r| r.status() == 429).unwrap();
    assert_eq!(refused.headers()["retry-after"], "1");
    assert_eq!(refused.headers()["content-type"], "application/problem+json");
    assert!(refused.headers()["ratelimit-policy"]
        .to_str()
        .unwrap()
        .contains("\"burst\";q=5;w=1"));
    assert!(refused.headers()["ratelimit"]
        .to_str()
        .unwrap()
        .starts_with("\"burst\";r=0;"));
}

#[tokio::test]
async fn a_partner_key_is_not_limited_at_that_rate() {
    let (gw, _) = spawn_partner(|_| {}).await;
    let key = gw.issue("partner").await.key;
    assert_eq!(gw.partner("/partner/v1/products/7", &key).await.status(), 200);
    let (ok, _) = statuses(&gw.burst(&key, 20).await);
    assert_eq!(ok, 20);
}

#[tokio::test]
async fn the_daily_quota_stops_a_key_until_the_utc_day_ends() {
    let (gw, _) = spawn_partner(|s| {
        s.partner.free = TierLimits {
            per_second: 100,
            burst: 100,
            daily: 3,
        }
    })
    .await;
    let key = gw.issue("free").await.key;
    for left in [2, 1, 0] {
        let response = gw.partner("/partner/v1/products/7", &key).await;
        assert_eq!(response.status(), 200);
        let state = response.headers()["ratelimit"].to_str().unwrap().to_string();
        assert!(state.contains(&format!("\"daily\";r={left};")), "{state}");
    }
    let refused = gw.partner("/partner/v1/products/7", &key).await;
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=86_400).contains(&wait), "until midnight UTC: {wait}");
    assert!(refused.headers()["ratelimit"]
        .to_str()
        .unwrap()
        .contains("\"daily\";r=0;"));
    let other = gw.issue("free").await.key;
    assert_eq!(
        gw.partner("/partner/v1/products/7", &other).await.status(),
        200,
        "per key"
    );
}

#[tokio::test]
async fn the_daily_quota_holds_across_gateway_replicas() {
    // Every request asks identity (no cache), so each replica reports at once.
    let (gw, _) = spawn_partner(|s| {
        s.partner.key_cache_ttl = Duration::ZERO;
        s.partner.free = TierLimits {
            per_second: 100,
            burst: 100,
            daily: 4,
        };
    })
    .await;
    let other = gw.another_replica().await;
    let key = gw.issue("free").await.key;
    let mut ok = 0;
    for i in 0..10 {
        let base = if i % 2 == 0 {
            gw.base.clone()
        } else {
            other.clone()
        };
        let response = gw
            .http
            .get(format!("{base}/partner/v1/products/7"))
            .header("x-api-key", &key)
            .send()
            .await
            .unwrap();
        ok += usize::from(response.status() == 200);
    }
    // Each replica may admit one the other has not reported yet: 4 + (2 - 1).
    assert!(
        (4..=5).contains(&ok),
        "{ok} admitted for a quota of 4 on two replicas"
    );
}

#[tokio::test]
async fn missing_unknown_and_malformed_keys_are_401_problems() {
    let (gw, _) = spawn_partner(|_| {}).await;
    let missing = gw.fetch("/partner/v1/products").await;
    let made_up = format!("mk_live_{}", "A".repeat(43));
    for response in [
        missing,
        gw.partner("/partner/v1/products", &made_up).await,
        gw.partner("/partner/v1/products", "not-a-key").await,
    ] {
        assert_eq!(response.status(), 401);
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        assert!(response.headers().get("ratelimit").is_none());
        let problem: Problem = response.json().await.unwrap();
        assert_eq!(problem.kind, "/problems/invalid-api-key");
    }
}

#[tokio::test]
async fn made_up_keys_are_asked_about_at_a_bounded_rate_per_address() {
    let (gw, _) = spawn_partner(|s| s.partner.lookups_per_second = 2).await;
    let keys: Vec<String> = (0..12).map(|i| format!("mk_live_{i:0>43}")).collect();
    let answers = join_all(keys.iter().map(|key| gw.partner("/partner/v1/products", key))).await;
    let (unknown, limited) = (
        answers.iter().filter(|r| r.status() == 401).count(),
        answers.iter().filter(|r| r.status() == 429).count(),
    );
    // Bursts of twice the rate reach identity; the rest are refused before asking it.
    assert!(
        unknown <= 5 && unknown + limited == 12,
        "{unknown} asked, {limited} refused"
    );
}

#[tokio::test]
async fn a_revoked_key_stops_working_within_the_cache_bound() {
    let ttl = Duration::from_millis(300);
    let (gw, _) = spawn_partner(|s| s.partner.key_cache_ttl = ttl).await;
    let issued = gw.issue("partner").await;
    assert_eq!(
        gw.partner("/partner/v1/products/7", &issued.key).await.status(),
        200
    );
    gw.revoke(&issued.view.id).await;
    let revoked_at = Instant::now();
    // Poll until refused; it must happen within the TTL (and a little for the round trips).
    loop {
        let status = gw.partner("/partner/v1/products/7", &issued.key).await.status();
        if status == 401 {
            break;
        }
        assert_eq!(status, 200);
        assert!(
            revoked_at.elapsed() < ttl + Duration::from_secs(2),
            "still admitted"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(revoked_at.elapsed() < ttl + Duration::from_secs(2));
}

#[tokio::test]
async fn browser_traffic_keeps_its_own_per_client_limits() {
    let (gw, _) = spawn_partner(|s| {
        s.limits = RateLimits {
            per_second: 1,
            burst: 2,
            ..RateLimits::default()
        }
    })
    .await;
    let key = gw.issue("partner").await.key;
    let (ok, _) = statuses(&gw.burst(&key, 10).await);
    assert_eq!(ok, 10, "the partner key's limits, not the browser's");
    let browser: Vec<_> = join_all((0..4).map(|_| gw.fetch("/api/catalog/products/7"))).await;
    let browser_ok = browser.iter().filter(|r| r.status() == 200).count();
    assert_eq!(
        browser_ok, 2,
        "the browser's burst of two, untouched by the partner's calls"
    );
    assert!(browser
        .iter()
        .all(|r| r.headers().get("ratelimit-policy").is_none()));
    assert_eq!(gw.partner("/partner/v1/products/7", &key).await.status(), 200);
}

#[tokio::test]
async fn v1_maps_the_catalogs_answers_onto_the_partner_shape() {
    let (gw, asked) = spawn_partner(|_| {}).await;
    let key = gw.issue("partner").await.key;
    let response = gw
        .partner(
            "/partner/v1/products?page=2&perPage=5&category=kitchen&search=blue%20kettle",
            &key,
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        asked.lock().unwrap().as_str(),
        "/products?page=2&limit=5&category=kitchen&q=blue%20kettle"
    );
    let text = response.text().await.unwrap();
    for hidden in ["revision", "lastPage", "cents", "items"] {
        assert!(!text.contains(hidden), "{hidden} is not part of v1: {text}");
    }
    let page: PartnerProductPage = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (page.paging.page, page.paging.per_page, page.paging.total_pages),
        (2, 5, 2)
    );
    assert_eq!(page.data[0].price.amount_minor, 2999);
    assert_eq!(page.data[0].image_url, "/api/catalog/products/7/image.svg");

    let detail: PartnerProductDetail = gw
        .partner("/partner/v1/products/7", &key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail.description, "Boils water.");
    assert_eq!(detail.product.rating.count, 2);
    for (path, status) in [
        ("/partner/v1/products/8", 404),
        ("/partner/v1/products/abc", 404),
        ("/partner/v2/products", 404),
        ("/partner/v1/products?perPage=500", 400),
    ] {
        let response = gw.partner(path, &key).await;
        assert_eq!(response.status(), status, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
    }
}

#[tokio::test]
async fn usage_is_counted_per_key_id_in_the_metrics_and_admin_stays_off_the_gateway() {
    let (gw, _) = spawn_partner(|_| {}).await;
    let issued = gw.issue("partner").await;
    assert_eq!(
        gw.partner("/partner/v1/products/7", &issued.key).await.status(),
        200
    );
    let metrics = gw.fetch("/metrics").await.text().await.unwrap();
    let line = metrics
        .lines()
        .find(|l| l.starts_with("gateway_partner_requests_total") && l.contains(&issued.view.id))
        .unwrap_or_else(|| panic!("no series for the key: {metrics}"));
    assert!(line.contains("class=\"2xx\""), "{line}");
    assert!(!metrics.contains(&issued.key), "never the secret");

    let admin = gw
        .get("/api/identity/admin/partner-keys")
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), 401, "the admin token is no access token");
}

#[tokio::test]
async fn the_v1_document_is_public_and_every_path_in_it_answers_with_a_key() {
    let (gw, _) = spawn_partner(|_| {}).await;
    let response = gw.get("/partner/v1/openapi.json").send().await.unwrap();
    assert_eq!(response.status(), 200, "no key needed to read the document");
    let doc: serde_json::Value = response.json().await.unwrap();
    let scheme = &doc["components"]["securitySchemes"]["partnerKey"];
    assert_eq!(
        (scheme["in"].as_str(), scheme["name"].as_str()),
        (Some("header"), Some("x-api-key"))
    );
    let list = &doc["paths"]["/partner/v1/products"]["get"];
    let params: Vec<&str> = list["parameters"]
        .as_array()
        .map(|p| p.iter().filter_map(|p| p["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        params,
        ["page", "perPage", "category", "search"],
        "v1's query, as partners spell it"
    );
    assert_eq!(list["parameters"][1]["schema"]["maximum"], 100, "perPage's bound");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for shape in ["PartnerProductPage", "PartnerProductDetail", "Problem"] {
        assert!(schemas.contains_key(shape), "{shape} missing");
    }

    // Every documented path is served: the document and the router cannot drift apart.
    let key = gw.issue("partner").await.key;
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 2, "{:?}", paths.keys());
    for path in paths.keys() {
        let response = gw.partner(&path.replace("{id}", "7"), &key).await;
        assert_eq!(response.status(), 200, "{path}");
    }
}
