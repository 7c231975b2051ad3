//! Bad input gets a 4xx problem body, never a 500.

use contracts::problem::Problem;

use crate::helpers::spawn_app;

async fn problem(app: &crate::helpers::TestApp, path: &str, status: u16) -> Problem {
    let response = app.get(path).await;
    assert_eq!(response.status(), status, "GET {path}");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "GET {path}"
    );
    response.json().await.unwrap()
}

#[tokio::test]
async fn invalid_queries_name_the_field() {
    let app = spawn_app().await;
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=10000", "limit"),
        ("limit=abc", "limit"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("sort=cheapest", "sort"),
        ("category=%3Cscript%3E", "category"),
    ] {
        let p = problem(&app, &format!("/products?{query}"), 400).await;
        assert!(p.errors.iter().any(|e| e.field == field), "{query}: {p:?}");
    }
    let long = "a".repeat(101);
    let p = problem(&app, &format!("/products?q={long}"), 400).await;
    assert_eq!(p.errors[0].field, "q");
}

#[tokio::test]
async fn bad_and_unknown_ids() {
    let app = spawn_app().await;
    for id in ["abc", "0", "-5", "1.5", "99999999999999999999"] {
        problem(&app, &format!("/products/{id}"), 400).await;
        problem(&app, &format!("/products/{id}/image.svg"), 400).await;
    }
    let p = problem(&app, "/products/999999", 404).await;
    assert!(p.detail.unwrap().contains("999999"));
    problem(&app, "/products/999999/image.svg", 404).await;
}

/// The catalog keeps a SQLite copy per replica (docs/decisions/0011): pointed at PostgreSQL it
/// says so and does not start, instead of half-working.
#[tokio::test]
async fn a_postgres_database_url_is_refused_at_start() {
    let nats = kit::testing::NatsServer::start();
    let (_database, mut service) = kit::testing::service_config("catalog", &nats);
    service.database_url = "postgres://catalog:secret@127.0.0.1:1/catalog".into();
    let refused = mercado_catalog::startup::Application::build(mercado_catalog::config::Settings { service })
        .await
        .err()
        .map(|err| err.to_string());
    assert_eq!(
        refused.as_deref(),
        Some(
            "DATABASE_URL postgres://catalog:***@127.0.0.1:1/catalog is not a database this service runs on"
        )
    );
}
