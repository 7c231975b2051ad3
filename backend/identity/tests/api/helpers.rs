//! `spawn_app()`: identity with its own database and nats-server, and a log capture.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use contracts::identity::{SessionGrant, REFRESH_COOKIE};
use kit::testing::{service_config, NatsServer, TestDatabase};
use mercado_identity::clock::Clock;
use mercado_identity::{config::Settings, startup::Application, startup::MIGRATOR};
use serde_json::{json, Value};

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub nats: NatsServer,
    pub database: TestDatabase,
    /// What it was built from, for [`TestApp::another_replica`].
    settings: Settings,
}

/// The password [`new_user`] registers with.
pub const PASSWORD: &str = "correct horse battery";

/// A registration that passes every rule; `tag` keeps emails unique per test.
pub fn new_user(tag: &str) -> Value {
    json!({"name": "Ana Test", "email": format!("ana.{tag}@example.com"), "password": PASSWORD})
}

/// The email [`new_user`] registers `tag`'s user with.
pub fn email(tag: &str) -> String {
    format!("ana.{tag}@example.com")
}

pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

pub async fn spawn_with(customise: impl FnOnce(&mut Settings)) -> TestApp {
    capture_logs();
    let nats = NatsServer::start();
    let (database, service) = service_config("identity", &nats);
    let mut settings = Settings::with_service(service);
    customise(&mut settings);
    let base = start(settings.clone()).await;
    TestApp {
        base,
        http: reqwest::Client::new(),
        nats,
        database,
        settings,
    }
}

/// Identity with a clock the test moves ([`TestApp::clock`]) and otherwise `customise`d settings.
pub async fn spawn_with_clock(customise: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_with(|settings| {
        settings.clock = Clock::manual();
        customise(settings);
    })
    .await
}

async fn start(settings: Settings) -> String {
    let app = Application::build(settings).await.expect("identity starts");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    base
}

impl TestApp {
    /// A second identity process on the same database (and clock): a replica behind the
    /// gateway. Its base URL.
    pub async fn another_replica(&self) -> String {
        start(self.settings.clone()).await
    }

    /// The clock the throttle reads (manual with [`spawn_with_clock`]).
    pub fn clock(&self) -> &Clock {
        &self.settings.clock
    }

    /// `POST /sessions` at `base` as the gateway passes on a client at `address`.
    pub async fn sign_in_at(
        &self,
        base: &str,
        email: &str,
        password: &str,
        address: &str,
    ) -> reqwest::Response {
        self.http
            .post(format!("{base}/sessions"))
            .header(contracts::identity::CLIENT_ADDRESS_HEADER, address)
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// `POST /sessions` from a client at `address`.
    pub async fn sign_in_from(&self, email: &str, password: &str, address: &str) -> reqwest::Response {
        self.sign_in_at(&self.base, email, password, address).await
    }

    /// `POST /users` with `tag`'s registration from a client at `address`.
    pub async fn register_from(&self, tag: &str, address: &str) -> reqwest::Response {
        self.http
            .post(format!("{}/users", self.base))
            .header(contracts::identity::CLIENT_ADDRESS_HEADER, address)
            .json(&new_user(tag))
            .send()
            .await
            .unwrap()
    }

    /// A pool on the service's database, opened the way the service opens it.
    pub async fn pool(&self) -> kit::db::Pool {
        self.database.connect(&MIGRATOR).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// POST with the refresh cookie (as the browser sends it to `/sessions/*`).
    pub async fn post_with_cookie(&self, path: &str, refresh: &str) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", format!("{REFRESH_COOKIE}={refresh}"))
            .send()
            .await
            .unwrap()
    }

    pub async fn me(&self, token: &str) -> reqwest::Response {
        self.http
            .get(format!("{}/me", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// Registers `tag`'s user; returns the grant and the refresh token from the cookie.
    pub async fn register(&self, tag: &str) -> (SessionGrant, String) {
        let response = self.post("/users", &new_user(tag)).await;
        assert_eq!(response.status(), 201);
        let refresh = refresh_cookie(&response).expect("refresh cookie set");
        (response.json().await.unwrap(), refresh)
    }
}

/// The refresh token in a response's `Set-Cookie`, if it sets a non-empty one.
pub fn refresh_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.strip_prefix(&format!("{REFRESH_COOKIE}=")))
        .find(|v| !v.is_empty())
        .map(String::from)
}

/// Everything every test's services logged, at debug level, in this process.
pub fn captured_logs() -> String {
    let buffer = LOGS.get().expect("capture installed").lock().unwrap();
    String::from_utf8_lossy(&buffer).into_owned()
}

static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() {
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = Capture(buffer.clone());
        tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .init();
        buffer
    });
}
