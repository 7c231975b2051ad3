//! `catalog.prices` over a real nats-server.

use contracts::catalog::{PricesRequest, ProductPage};
use kit::nats::NatsError;

use crate::helpers::spawn_app;

#[tokio::test]
async fn answers_prices_and_names_unknown_ids() {
    let app = spawn_app().await;
    let page: ProductPage = app.get_json("/products?limit=3").await;
    let client = kit::nats::connect(&app.nats.url()).await.unwrap();
    let mut ids: Vec<i64> = page.items.iter().map(|p| p.id).collect();
    ids.push(424242);
    let reply = kit::nats::request(&client, &PricesRequest { product_ids: ids })
        .await
        .unwrap();
    assert_eq!(reply.unknown, vec![424242]);
    for item in &page.items {
        let quote = reply.prices.iter().find(|q| q.product_id == item.id).unwrap();
        assert_eq!((quote.price, &quote.name), (item.price, &item.name));
    }
}

#[tokio::test]
async fn malformed_and_oversized_requests_get_an_error_reply() {
    let app = spawn_app().await;
    let client = kit::nats::connect(&app.nats.url()).await.unwrap();
    let reply = client.request("catalog.prices", "not json".into()).await.unwrap();
    let header = reply
        .headers
        .as_ref()
        .and_then(|h| h.get(kit::nats::ERROR_HEADER))
        .map(|v| v.to_string());
    assert_eq!(header.as_deref(), Some("400"));
    let too_many = PricesRequest {
        product_ids: (1..=501).collect(),
    };
    match kit::nats::request(&client, &too_many).await {
        Err(NatsError::Refused { problem, .. }) => assert_eq!(problem.status, 400),
        other => panic!("expected a refusal, got {other:?}"),
    }
}
