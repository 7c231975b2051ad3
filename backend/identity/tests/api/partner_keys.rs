//! Partner API keys: issued through the admin API with the admin token, shown once, listed
//! without their secret, revoked; looked up by hash over NATS with usage added in batches.

use contracts::partner::{
    IssuedKey, PartnerKeyList, PartnerKeyLookup, PartnerKeyView, Tier, UsageReport, KEY_PREFIX,
};
use contracts::problem::Problem;
use mercado_identity::domain::partner_key::{hash_hex, AdminToken};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_with, TestApp};

const ADMIN: &str = "an-admin-token-long-enough-to-be-a-secret";

async fn spawn_admin() -> TestApp {
    spawn_with(|settings| settings.admin_token = AdminToken::new(ADMIN)).await
}

impl TestApp {
    async fn admin(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    async fn issue(&self, partner: &str, tier: &str) -> IssuedKey {
        let body = json!({"partner": partner, "tier": tier});
        let response = self
            .admin(reqwest::Method::POST, "/admin/partner-keys", ADMIN, Some(body))
            .await;
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    async fn lookup(
        &self,
        key: &str,
        today: i64,
        report: Option<UsageReport>,
    ) -> Option<contracts::partner::PartnerKeyGrant> {
        let client = async_nats::connect(self.nats.url()).await.unwrap();
        let request = PartnerKeyLookup {
            key_hash: hash_hex(key),
            today,
            report,
        };
        kit::nats::request(&client, &request).await.unwrap().key
    }
}

#[tokio::test]
async fn an_issued_key_is_shown_once_and_listed_without_its_secret() {
    let app = spawn_admin().await;
    let issued = app.issue("  Acme Feeds ", "free").await;
    assert!(issued.key.starts_with(KEY_PREFIX), "{}", issued.key);
    assert_eq!(issued.key.len(), contracts::partner::KEY_LENGTH);
    assert_eq!(issued.view.partner, "Acme Feeds");
    assert_eq!(issued.view.tier, Tier::Free);
    assert!(issued.key.starts_with(&issued.view.hint));
    assert!(issued.view.revoked_at.is_none());

    let listed = app
        .admin(reqwest::Method::GET, "/admin/partner-keys", ADMIN, None)
        .await;
    assert_eq!(listed.status(), 200);
    let text = listed.text().await.unwrap();
    assert!(!text.contains(&issued.key), "the listing shows no secret: {text}");
    let list: PartnerKeyList = serde_json::from_str(&text).unwrap();
    assert_eq!(list.keys, vec![issued.view.clone()]);

    // Only the hash is stored.
    let pool = app.pool().await;
    let stored: (String,) = sqlx::query_as("SELECT key_hash FROM partner_keys")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored.0, hash_hex(&issued.key));
}

#[tokio::test]
async fn a_revoked_key_is_unknown_to_the_lookup_and_says_when() {
    let app = spawn_admin().await;
    let issued = app.issue("Acme", "partner").await;
    let grant = app.lookup(&issued.key, 20_000, None).await.expect("works");
    assert_eq!(
        (grant.id.as_str(), grant.tier),
        (issued.view.id.as_str(), Tier::Partner)
    );

    let path = format!("/admin/partner-keys/{}", issued.view.id);
    let revoked = app.admin(reqwest::Method::DELETE, &path, ADMIN, None).await;
    assert_eq!(revoked.status(), 200);
    let view: PartnerKeyView = revoked.json().await.unwrap();
    let first = view.revoked_at.clone().expect("revoked");
    assert!(app.lookup(&issued.key, 20_000, None).await.is_none());

    let again: PartnerKeyView = app
        .admin(reqwest::Method::DELETE, &path, ADMIN, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        again.revoked_at,
        Some(first),
        "revoking twice keeps the first time"
    );
    let missing = app
        .admin(reqwest::Method::DELETE, "/admin/partner-keys/nope", ADMIN, None)
        .await;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn usage_reports_add_up_per_day() {
    let app = spawn_admin().await;
    let key = app.issue("Acme", "free").await.key;
    let report = |day, count| Some(UsageReport { day, count });
    assert_eq!(app.lookup(&key, 100, None).await.unwrap().used_today, 0);
    assert_eq!(app.lookup(&key, 100, report(100, 3)).await.unwrap().used_today, 3);
    // A second gateway's batch adds to the first's.
    assert_eq!(app.lookup(&key, 100, report(100, 4)).await.unwrap().used_today, 7);
    // Yesterday's late batch counts for yesterday; today starts at zero.
    assert_eq!(app.lookup(&key, 101, report(100, 2)).await.unwrap().used_today, 0);
    assert_eq!(app.lookup(&key, 100, None).await.unwrap().used_today, 9);
    assert!(app.lookup("mk_live_unknown", 100, report(100, 5)).await.is_none());
}

#[tokio::test]
async fn without_the_admin_token_nothing_is_issued_or_listed() {
    let app = spawn_admin().await;
    let body = json!({"partner": "Acme", "tier": "free"});
    for token in ["", "wrong-token-wrong-token-wrong-token-wrong"] {
        let issue = app
            .admin(
                reqwest::Method::POST,
                "/admin/partner-keys",
                token,
                Some(body.clone()),
            )
            .await;
        assert_eq!(issue.status(), 401);
        assert_eq!(issue.headers()["content-type"], "application/problem+json");
        let list = app
            .admin(reqwest::Method::GET, "/admin/partner-keys", token, None)
            .await;
        assert_eq!(list.status(), 401);
    }
    // A shopper's access token is not the admin token.
    let (grant, _) = app.register("not-admin").await;
    let list = app
        .admin(
            reqwest::Method::GET,
            "/admin/partner-keys",
            &grant.access_token,
            None,
        )
        .await;
    assert_eq!(list.status(), 401);
    let pool = app.pool().await;
    let count: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM partner_keys")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count.0, 0);
}

#[tokio::test]
async fn with_no_admin_token_configured_the_admin_api_is_off() {
    let app = spawn_app().await;
    let response = app
        .admin(reqwest::Method::GET, "/admin/partner-keys", ADMIN, None)
        .await;
    assert_eq!(response.status(), 403);
    let problem: Problem = response.json().await.unwrap();
    assert_eq!(problem.kind, "/problems/admin-disabled");
}

#[tokio::test]
async fn bad_input_is_a_4xx_problem_naming_the_field() {
    let app = spawn_admin().await;
    // A body that is not an issue request at all is kit's 422, as everywhere in the store.
    for (body, status, field) in [
        (json!({"partner": "   ", "tier": "free"}), 400, Some("partner")),
        (
            json!({"partner": "x".repeat(101), "tier": "free"}),
            400,
            Some("partner"),
        ),
        (json!({"partner": "Acme", "tier": "gold"}), 422, None),
        (json!({"tier": "free"}), 422, None),
    ] {
        let response = app
            .admin(
                reqwest::Method::POST,
                "/admin/partner-keys",
                ADMIN,
                Some(body.clone()),
            )
            .await;
        assert_eq!(response.status(), status, "{body}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        let problem: Problem = response.json().await.unwrap();
        if let Some(field) = field {
            assert_eq!(problem.errors[0].field, field);
        }
    }
}
