//! `spawn_gateway()`: a gateway with a temporary web dir, in front of a small axum upstream.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::routing::{any, get};
use axum::Router;
use contracts::identity::SessionGrant;
use contracts::services::{CATALOG, IDENTITY};
use kit::testing::{service_config, NatsServer};
use mercado_gateway::config::{RateLimits, Settings};
use mercado_gateway::forwarding::Forwarding;
use mercado_gateway::startup::Application;
use mercado_gateway::upstream::breaker::BreakerPolicy;
use tokio::sync::Notify;

pub struct TestGateway {
    pub base: String,
    pub http: reqwest::Client,
    pub web_dir: tempfile::TempDir,
    pub nats: NatsServer,
    /// What it was built from, for [`TestGateway::another_replica`].
    settings: Settings,
    _identity_db: kit::testing::TestDatabase,
}

/// Echoes what it received as JSON: method, path, query, selected headers, body.
async fn echo(request: Request) -> axum::Json<serde_json::Value> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20).await.unwrap_or_default();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    axum::Json(serde_json::json!({
        "method": parts.method.as_str(),
        "path": parts.uri.path(),
        "query": parts.uri.query(),
        "requestId": header("x-request-id"),
        "forwardedFor": header("x-forwarded-for"),
        "forwardedProto": header("x-forwarded-proto"),
        "clientAddress": header("x-client-address"),
        "traceparent": header("traceparent"),
        "userId": header("x-user-id"),
        "authorization": header("authorization"),
        "connection": header("connection"),
        "body": String::from_utf8_lossy(&body),
    }))
}

/// What the upstream's `/gzipped` answers, as a service that compresses its own answers
/// would: the gzip of `{"ok":true}`.
pub const GZIPPED_BODY: &[u8] = &[
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0x56, 0xca, 0xcf, 0x56, 0xb2, 0x2a,
    0x29, 0x2a, 0x4d, 0xad, 0x05, 0x00, 0x90, 0x5f, 0xd4, 0xa7, 0x0b, 0x00, 0x00, 0x00,
];

/// Starts the upstream; `/hang` never answers (it waits on a notification nobody sends),
/// `/headers` answers repeated, hop-by-hop and request-id headers of its own.
pub async fn spawn_upstream() -> String {
    let never = Arc::new(Notify::new());
    let app = Router::new()
        .route(
            "/hang",
            get(move || {
                let never = never.clone();
                async move {
                    never.notified().await;
                    "unreachable"
                }
            }),
        )
        .route(
            "/status/{code}",
            get(|axum::extract::Path(code): axum::extract::Path<u16>| async move {
                (
                    axum::http::StatusCode::from_u16(code).unwrap(),
                    "upstream said so",
                )
            }),
        )
        .route(
            "/headers",
            get(|| async {
                let headers = axum::response::AppendHeaders([
                    ("set-cookie", "a=1; Path=/"),
                    ("set-cookie", "b=2; Path=/"),
                    ("x-request-id", "from-the-service"),
                    ("keep-alive", "timeout=5"),
                    ("x-shelf", "top"),
                ]);
                (headers, "with headers")
            }),
        )
        .route(
            "/gzipped",
            get(|| async {
                let headers = [("content-encoding", "gzip"), ("content-type", "application/json")];
                (headers, GZIPPED_BODY)
            }),
        )
        .fallback(any(echo));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn write_web(dir: &std::path::Path) {
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><html><body>shell</body></html>",
    )
    .unwrap();
    std::fs::write(dir.join("mercado-shell-abc123.js"), "export default 1;").unwrap();
    let mfe = dir.join("mfe/catalog/0.1.0-abc");
    std::fs::create_dir_all(&mfe).unwrap();
    std::fs::write(dir.join("mfe/manifest.json"), r#"{"mfes":[]}"#).unwrap();
    // A wasm-like payload big enough to be worth compressing.
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend(std::iter::repeat_n(7u8, 4096));
    std::fs::write(mfe.join("catalog_bg.wasm"), wasm).unwrap();
}

pub async fn spawn_gateway() -> TestGateway {
    spawn_gateway_with(None, Duration::from_secs(10)).await
}

/// `upstream` None: a live echo server as catalog; Some(url): that URL (e.g. a closed port).
pub async fn spawn_gateway_with(upstream: Option<String>, timeout: Duration) -> TestGateway {
    spawn_configured(upstream.map(|url| vec![url]), |s| s.upstream_timeout = timeout).await
}

/// A gateway with the given per-client limits in front of an echo catalog.
pub async fn spawn_gateway_limited(limits: RateLimits) -> TestGateway {
    spawn_configured(None, |s| s.limits = limits).await
}

/// A gateway whose catalog is at `catalog` (None: a live echo server), with settings changed
/// by `configure`.
pub async fn spawn_configured(
    catalog: Option<Vec<String>>,
    configure: impl FnOnce(&mut Settings),
) -> TestGateway {
    let catalog = match catalog {
        Some(urls) => urls,
        None => vec![spawn_upstream().await],
    };
    spawn(catalog, configure).await
}

/// The real identity service on a free port, publishing its keys on `nats`.
async fn spawn_identity(nats: &NatsServer) -> (String, kit::testing::TestDatabase) {
    let (db_dir, service) = service_config(IDENTITY.name, nats);
    let mut settings = mercado_identity::config::Settings::with_service(service);
    // Every test here registers from 127.0.0.1; identity's bound on registrations per
    // address is proved in identity's own tests.
    settings.throttle.registrations_per_address =
        mercado_identity::domain::throttle::Window::new(10_000, Duration::from_secs(3600));
    // Partner keys are issued through identity's admin API (tests/api/partner.rs).
    settings.admin_token = mercado_identity::domain::partner_key::AdminToken::new(ADMIN_TOKEN);
    let app = mercado_identity::startup::Application::build(settings)
        .await
        .unwrap();
    let url = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    (url, db_dir)
}

async fn spawn(catalog: Vec<String>, configure: impl FnOnce(&mut Settings)) -> TestGateway {
    // As the binary does: trace ids are made and passed on even with no exporter.
    kit::telemetry::init("gateway-test");
    let nats = NatsServer::start();
    let (identity, identity_db) = spawn_identity(&nats).await;
    let web_dir = tempfile::tempdir().unwrap();
    write_web(web_dir.path());
    let mut settings = Settings {
        host: "127.0.0.1".into(),
        port: 0,
        web_dir: web_dir.path().to_path_buf(),
        upstreams: vec![(IDENTITY, vec![identity]), (CATALOG, catalog)],
        upstream_timeout: Duration::from_secs(10),
        upstream_deadline: Duration::from_secs(30),
        pages: mercado_gateway::aggregate::PageDeadlines::default(),
        breaker: BreakerPolicy::default(),
        forwarding: Forwarding::default(),
        nats_url: nats.url(),
        limits: RateLimits::default(),
        mfe_overrides: false,
        partner: mercado_gateway::partner::PartnerSettings::default(),
    };
    configure(&mut settings);
    let base = start_gateway(settings.clone()).await;
    let http = reqwest::Client::builder().no_gzip().build().unwrap();
    TestGateway {
        base,
        http,
        web_dir,
        nats,
        settings,
        _identity_db: identity_db,
    }
}

/// Builds and serves a gateway; its base URL.
async fn start_gateway(settings: Settings) -> String {
    let app = Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    base
}

impl TestGateway {
    /// A second gateway process in front of the same services and NATS (a replica behind a
    /// balancer); its base URL.
    pub async fn another_replica(&self) -> String {
        start_gateway(self.settings.clone()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `GET path` on the gateway, to add headers to before sending.
    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(self.url(path))
    }

    /// `POST path` on the gateway, to add a body to before sending.
    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.post(self.url(path))
    }

    /// `GET path` with nothing added, as a browser opening it would send it.
    pub async fn fetch(&self, path: &str) -> reqwest::Response {
        self.get(path).send().await.expect("the gateway answers")
    }

    /// Registers a user through the gateway and returns the grant.
    pub async fn register(&self, email: &str) -> SessionGrant {
        let response = self
            .http
            .post(self.url("/api/identity/users"))
            .json(&serde_json::json!({"name": "Gate Keeper", "email": email, "password": "correct horse battery"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }
}

/// The admin token the test identity accepts on its admin API.
pub const ADMIN_TOKEN: &str = "the-test-admin-token-of-at-least-32-chars";

impl TestGateway {
    /// The identity service behind this gateway (its admin API is reached directly).
    pub fn identity_url(&self) -> String {
        self.settings
            .upstreams
            .iter()
            .find(|(service, _)| service.name == IDENTITY.name)
            .map(|(_, urls)| urls[0].clone())
            .expect("identity is configured")
    }
}
