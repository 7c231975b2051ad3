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
