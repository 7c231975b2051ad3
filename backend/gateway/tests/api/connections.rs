//! The gateway's own HTTP/1.1 to a service: connections reused while they are good, never
//! reused once the service closed one or an answer was left half-read, and bodies of unknown
//! length passed on whole both ways.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::spawn_configured;

/// A service that answers each request with the port its connection comes from, `/big`
/// with the start of a body that never ends, `/streamed` with a body of unknown length (sent
/// chunked) and `/nothing` with a 204.
async fn port_echo() -> String {
    let app = Router::new()
        .route(
            "/products",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.port().to_string() }),
        )
        .route(
            "/products/streamed",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move {
                let pieces = ["from ", "port ", ""].map(|p| Ok::<_, Infallible>(Bytes::from(p)));
                let port = Ok(Bytes::from(peer.port().to_string()));
                Body::from_stream(futures::stream::iter(pieces.into_iter().chain([port])))
            }),
        )
        .route(
            "/products/nothing",
            get(|| async { axum::http::StatusCode::NO_CONTENT }),
        )
        .route(
            "/products/big",
            get(|| async {
                let start =
                    futures::stream::once(async { Ok::<_, Infallible>(Bytes::from(vec![b'x'; 1 << 16])) });
                Body::from_stream(start.chain(futures::stream::pending()))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await });
    url
}

async fn peer_port(gw: &crate::helpers::TestGateway) -> String {
    let response = gw.fetch("/api/catalog/products").await;
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn requests_one_after_another_share_one_connection_to_the_service() {
    let gw = spawn_configured(Some(vec![port_echo().await]), |_| {}).await;
    let first = peer_port(&gw).await;
    for _ in 0..5 {
        assert_eq!(peer_port(&gw).await, first, "a new connection per request");
    }
}

#[tokio::test]
async fn an_answer_left_half_read_takes_its_connection_with_it() {
    let gw = spawn_configured(Some(vec![port_echo().await]), |_| {}).await;
    let before = peer_port(&gw).await;
    // The client reads the head of an answer (on that connection), then goes away.
    let big = gw.fetch("/api/catalog/products/big").await;
    assert_eq!(big.status(), 200);
    drop(big);
    // The next requests must not land on the connection with the rest of that body in it.
    for _ in 0..3 {
        let port = peer_port(&gw).await;
        assert!(
            port.parse::<u16>().is_ok(),
            "not an answer of its own: {port:.40}"
        );
        assert_ne!(port, before, "reused the half-read connection");
    }
}

/// A service that answers one request per connection and keeps the connection open until
/// [`OneShotService::close_idle`] closes it without a word (no `connection: close`), as a
/// service restarting or timing out idle connections does.
struct OneShotService {
    url: String,
    idle: Arc<Mutex<Vec<TcpStream>>>,
}

impl OneShotService {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let idle = Arc::new(Mutex::new(Vec::new()));
        let parked = idle.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(answer_once(socket, parked.clone()));
            }
        });
        Self { url, idle }
    }

    /// Closes every connection that has had its answer.
    fn close_idle(&self) -> usize {
        let closed: Vec<TcpStream> = std::mem::take(&mut *self.idle.lock().unwrap());
        closed.len()
    }
}

async fn answer_once(mut socket: TcpStream, idle: Arc<Mutex<Vec<TcpStream>>>) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let answer = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok";
    if socket.write_all(answer).await.is_ok() {
        idle.lock().unwrap().push(socket);
    }
}

#[tokio::test]
async fn a_connection_the_service_closed_is_replaced_not_failed_on() {
    let service = OneShotService::start().await;
    let gw = spawn_configured(Some(vec![service.url.clone()]), |_| {}).await;
    for attempt in 0..10 {
        let response = gw.fetch("/api/catalog/products").await;
        assert_eq!(response.status(), 200, "attempt {attempt}");
        assert_eq!(response.text().await.unwrap(), "ok");
        // The gateway now holds that connection as idle; the service drops it.
        assert_eq!(service.close_idle(), 1, "one connection per request");
    }
}

#[tokio::test]
async fn an_answer_of_unknown_length_arrives_whole_and_its_connection_is_kept() {
    let gw = spawn_configured(Some(vec![port_echo().await]), |_| {}).await;
    let first = peer_port(&gw).await;
    for _ in 0..3 {
        let streamed = gw.fetch("/api/catalog/products/streamed").await;
        assert_eq!(streamed.status(), 200);
        assert_eq!(streamed.text().await.unwrap(), format!("from port {first}"));
        let nothing = gw.fetch("/api/catalog/products/nothing").await;
        assert_eq!(nothing.status(), 204);
        assert!(nothing.bytes().await.unwrap().is_empty());
    }
    assert_eq!(peer_port(&gw).await, first, "a connection was not kept");
}

#[tokio::test]
async fn a_request_body_of_unknown_length_reaches_the_service_whole() {
    let gw = crate::helpers::spawn_gateway().await;
    let grant = gw.register("streamer@example.com").await;
    let pieces = (0..4u8).map(|n| Ok::<_, std::io::Error>(vec![b'a' + n; 1024]));
    let response = gw
        .post("/api/catalog/products")
        .bearer_auth(&grant.access_token)
        .body(reqwest::Body::wrap_stream(futures::stream::iter(pieces)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let echoed: serde_json::Value = response.json().await.unwrap();
    let body = echoed["body"].as_str().unwrap();
    let expected: String = (0..4u8)
        .map(|n| char::from(b'a' + n).to_string().repeat(1024))
        .collect();
    assert_eq!(body, expected);
}
