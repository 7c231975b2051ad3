//! The static web: cache policy, SPA fallback, real 404s under /mfe, compressed wasm.

use crate::helpers::spawn_gateway;

#[tokio::test]
async fn html_and_manifest_revalidate_hashed_files_are_immutable() {
    let gw = spawn_gateway().await;
    for path in ["/", "/index.html", "/mfe/manifest.json"] {
        let response = gw.fetch(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
    }
    for path in [
        "/mercado-shell-abc123.js",
        "/mfe/catalog/0.1.0-abc/catalog_bg.wasm",
    ] {
        let response = gw.fetch(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            response.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn deep_links_get_the_shell_but_missing_mfe_files_do_not() {
    let gw = spawn_gateway().await;
    for path in ["/products/12", "/category/kitchen", "/search?q=mug", "/login"] {
        let response = gw.fetch(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(response.text().await.unwrap().contains("shell"), "{path}");
    }
    let missing = gw.fetch("/mfe/catalog/0.2.0-nope/catalog.js").await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn wasm_is_served_compressed_with_its_type() {
    let gw = spawn_gateway().await;
    let response = gw
        .get("/mfe/catalog/0.1.0-abc/catalog_bg.wasm")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/wasm");
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert!(response.bytes().await.unwrap().len() < 1024);
}

#[tokio::test]
async fn the_builds_brotli_copy_is_served_as_written() {
    let gw = spawn_gateway().await;
    let wasm = gw.web_dir.path().join("mfe/catalog/0.1.0-abc/catalog_bg.wasm");
    // Not real brotli: the test only needs to see that these exact bytes are what is sent.
    let precompressed = b"brotli copy written by the build".to_vec();
    std::fs::write(wasm.with_extension("wasm.br"), &precompressed).unwrap();
    let response = gw
        .get("/mfe/catalog/0.1.0-abc/catalog_bg.wasm")
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/wasm");
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.bytes().await.unwrap().to_vec(), precompressed);
    // A browser without brotli still gets gzip (compressed on the way, as there is no .gz).
    let gzip = gw
        .get("/mfe/catalog/0.1.0-abc/catalog_bg.wasm")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn health_endpoints() {
    let gw = spawn_gateway().await;
    assert_eq!(gw.fetch("/healthz").await.status(), 200);
    assert_eq!(gw.fetch("/readyz").await.status(), 200);
    std::fs::remove_file(gw.web_dir.path().join("index.html")).unwrap();
    assert_eq!(gw.fetch("/readyz").await.status(), 503);
}

async fn get_manifest(gw: &crate::helpers::TestGateway, etag: Option<&str>) -> reqwest::Response {
    let mut request = gw.get("/mfe/manifest.json");
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn manifest_revalidates_by_content_not_by_time() {
    let gw = spawn_gateway().await;
    let first = get_manifest(&gw, None).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(get_manifest(&gw, Some(&etag)).await.status(), 304);
    // A deploy within the same second as the last one must still be seen.
    let manifest = gw.web_dir.path().join("mfe/manifest.json");
    std::fs::write(manifest, r#"{"mfes":[{"x":1}]}"#).unwrap();
    let changed = get_manifest(&gw, Some(&etag)).await;
    assert_eq!(changed.status(), 200);
    assert_eq!(changed.headers()["cache-control"], "no-cache");
    assert!(changed.text().await.unwrap().contains("\"x\""));
}

#[tokio::test]
async fn manifest_does_not_allow_dev_overrides_by_default() {
    let gw = crate::helpers::spawn_gateway().await;
    let response = get_manifest(&gw, None).await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .headers()
            .get(contracts::manifest::OVERRIDES_HEADER)
            .is_none(),
        "a production gateway must not let a link swap an MFE for code from elsewhere"
    );
}
