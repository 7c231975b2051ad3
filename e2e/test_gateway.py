"""What the browser gets from the gateway: caching, deep links, request ids, API errors, OpenAPI."""

import json

import pytest

from conftest import BASE_URL


@pytest.fixture(scope="module")
def http(browser):
    context = browser.new_context(base_url=BASE_URL)
    yield context.request
    context.close()


def test_manifest_and_index_revalidate_but_hashed_assets_are_immutable(http):
    manifest = http.get("/mfe/manifest.json")
    assert manifest.ok and "no-cache" in manifest.headers["cache-control"]
    index = http.get("/")
    assert index.ok and "no-cache" in index.headers["cache-control"]
    catalog = next(m for m in manifest.json()["mfes"] if m["name"] == "catalog")
    wasm = http.get(catalog["wasm"], headers={"accept-encoding": "gzip, br"})
    assert wasm.ok
    assert "immutable" in wasm.headers["cache-control"]
    assert wasm.headers["content-type"] == "application/wasm"


def test_deep_links_serve_the_shell_but_missing_mfe_files_404(http):
    for path in ("/products/3", "/category/kitchen", "/search?q=mug", "/login"):
        response = http.get(path)
        assert response.status == 200 and "<html" in response.text().lower(), path
    assert http.get("/mfe/catalog/nope/catalog.js").status == 404


def test_api_errors_are_problem_json_with_request_id(http):
    response = http.get("/api/catalog/products?limit=0", headers={"x-request-id": "e2e-req-1"})
    assert response.status == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["x-request-id"] == "e2e-req-1"
    body = response.json()
    assert body["status"] == 400 and any(e["field"] == "limit" for e in body.get("errors", []))
    assert http.get("/api/catalog/products/abc").status == 400
    assert http.get("/api/catalog/products/999999").status == 404
    assert http.get("/api/nosuchservice/x").status == 404
    generated = http.get("/api/catalog/products?limit=1").headers.get("x-request-id")
    assert generated


def test_openapi_document_reachable_through_gateway(http):
    response = http.get("/api/catalog/openapi.json")
    assert response.ok
    document = json.loads(response.text())
    assert "/products" in document["paths"] and "/products/{id}" in document["paths"]
    assert "rating" in document["components"]["schemas"]["ProductSummary"]["properties"]
    reviews = http.get("/api/reviews/openapi.json")
    assert reviews.ok
    paths = json.loads(reviews.text())["paths"]
    assert "/products/{productId}/reviews" in paths and "/products/{productId}/reviews/mine" in paths
