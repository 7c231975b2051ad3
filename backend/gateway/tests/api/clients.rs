//! The gateway's own HTTP/1.1 to clients, spoken over a raw socket as browsers, old clients
//! and broken ones do: pipelined requests, bodies sent chunked or after `100 Continue`,
//! HTTP/1.0, and heads it must refuse.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{spawn_gateway, TestGateway};

async fn connect(gw: &TestGateway) -> TcpStream {
    let address = gw.url("").trim_start_matches("http://").to_string();
    TcpStream::connect(address).await.unwrap()
}

/// Everything the gateway sends until it closes the connection.
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out))
        .await
        .expect("the gateway closes the connection")
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads until `text` holds `count` answers' worth of `needle`.
async fn read_until(stream: &mut TcpStream, needle: &str, count: usize) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while String::from_utf8_lossy(&out).matches(needle).count() < count {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("answers arrive")
            .unwrap();
        assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&out));
        out.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_order_on_one_connection() {
    let gw = spawn_gateway().await;
    let mut stream = connect(&gw).await;
    stream
        .write_all(
            b"GET /api/catalog/first HTTP/1.1\r\nhost: shop\r\n\r\n\
              GET /api/catalog/second HTTP/1.1\r\nhost: shop\r\n\r\n",
        )
        .await
        .unwrap();
    let answers = read_until(&mut stream, "\"path\":", 2).await;
    let first = answers.find("\"/first\"").expect("the first answer");
    let second = answers.find("\"/second\"").expect("the second answer");
    assert!(first < second, "in the order asked: {answers}");
    assert_eq!(answers.matches("HTTP/1.1 200 OK\r\n").count(), 2, "{answers}");
}

/// A head for a signed-in write (writes need a user; only catalog reads are public).
async fn signed_in_post(gw: &TestGateway, email: &str, framing: &str) -> Vec<u8> {
    let grant = gw.register(email).await;
    format!(
        "POST /api/catalog/products HTTP/1.1\r\nhost: shop\r\nauthorization: Bearer {}\r\n{framing}\r\n",
        grant.access_token
    )
    .into_bytes()
}

/// Sends a signed-in POST of "hello world" framed by `framing` (`body` on the wire), checks
/// that the service got it whole and that the connection, kept open, serves the next request.
async fn body_arrives_whole_and_the_connection_carries_on(email: &str, framing: &str, body: &[u8]) {
    let gw = spawn_gateway().await;
    let mut request = signed_in_post(&gw, email, framing).await;
    request.extend_from_slice(body);
    let mut stream = connect(&gw).await;
    stream.write_all(&request).await.unwrap();
    let answer = read_until(&mut stream, "\"body\":", 1).await;
    assert!(answer.contains("\"body\":\"hello world\""), "{answer}");
    assert!(!answer.contains("connection: close"), "kept open: {answer}");
    stream
        .write_all(b"GET /api/catalog/after HTTP/1.1\r\nhost: shop\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let next = read_to_close(&mut stream).await;
    assert!(next.contains("\"/after\""), "{next}");
}

#[tokio::test]
async fn a_chunked_request_body_arrives_whole_and_the_connection_carries_on() {
    let chunks = b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    body_arrives_whole_and_the_connection_carries_on(
        "chunks@example.com",
        "transfer-encoding: chunked\r\n",
        chunks,
    )
    .await;
}

#[tokio::test]
async fn a_body_of_known_length_arrives_whole_and_the_connection_carries_on() {
    body_arrives_whole_and_the_connection_carries_on(
        "length@example.com",
        "content-length: 11\r\n",
        b"hello world",
    )
    .await;
}

#[tokio::test]
async fn a_client_that_expects_100_continue_is_told_to_go_on() {
    let gw = spawn_gateway().await;
    let framing = "content-length: 5\r\nexpect: 100-continue\r\n";
    let head = signed_in_post(&gw, "continue@example.com", framing).await;
    let mut stream = connect(&gw).await;
    stream.write_all(&head).await.unwrap();
    let go_on = read_until(&mut stream, "\r\n\r\n", 1).await;
    assert_eq!(go_on, "HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(b"hello").await.unwrap();
    let answer = read_until(&mut stream, "\"body\":", 1).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains("\"body\":\"hello\""), "{answer}");
}

#[tokio::test]
async fn a_request_refused_before_its_body_is_wanted_gets_no_100_continue() {
    let gw = spawn_gateway().await;
    let mut stream = connect(&gw).await;
    stream
        .write_all(
            b"POST /api/catalog/products HTTP/1.1\r\nhost: shop\r\ncontent-length: 5\r\n\
              expect: 100-continue\r\n\r\n",
        )
        .await
        .unwrap();
    let answer = read_to_close(&mut stream).await;
    assert!(
        answer.starts_with("HTTP/1.1 401 Unauthorized\r\n"),
        "no user, no go-ahead: {answer}"
    );
    assert!(!answer.contains("100 Continue"), "{answer}");
}

#[tokio::test]
async fn an_http_1_0_client_gets_the_whole_answer_then_the_close() {
    let gw = spawn_gateway().await;
    let mut stream = connect(&gw).await;
    stream
        .write_all(b"GET /api/catalog/old HTTP/1.0\r\n\r\n")
        .await
        .unwrap();
    let answer = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(
        !answer.contains("transfer-encoding"),
        "1.0 knows no chunks: {answer}"
    );
    assert!(answer.contains("connection: close\r\n"), "{answer}");
    assert!(answer.trim_end().ends_with('}'), "the body whole: {answer}");
}

#[tokio::test]
async fn a_broken_head_gets_a_problem_and_the_connection_closes() {
    let gw = spawn_gateway().await;
    let mut stream = connect(&gw).await;
    stream.write_all(b"GE(T / HTTP/1.1\r\n\r\n").await.unwrap();
    let answer = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{answer}");
    assert!(
        answer.contains("content-type: application/problem+json\r\n"),
        "{answer}"
    );
    assert!(answer.contains("\"status\":400"), "{answer}");
}

#[tokio::test]
async fn a_request_framed_two_ways_is_refused_not_guessed() {
    let gw = spawn_gateway().await;
    let mut stream = connect(&gw).await;
    // A smuggling attempt: a proxy reading the length would take the second request for
    // this one's body, one reading the chunks would send it on as a request of its own.
    stream
        .write_all(
            b"POST /api/catalog/products HTTP/1.1\r\nhost: shop\r\ncontent-length: 40\r\n\
              transfer-encoding: chunked\r\n\r\n0\r\n\r\nGET /api/catalog/smuggled HTTP/1.1\r\n\r\n",
        )
        .await
        .unwrap();
    let answer = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{answer}");
    assert!(
        !answer.contains("smuggled"),
        "nothing after it was served: {answer}"
    );
    assert_eq!(answer.matches("HTTP/1.1").count(), 1, "{answer}");
}

#[tokio::test]
async fn a_head_too_large_is_refused_with_431() {
    let gw = spawn_gateway().await;
    let mut stream = connect(&gw).await;
    let mut head = b"GET /api/catalog/products HTTP/1.1\r\nhost: shop\r\nx-filler: ".to_vec();
    head.resize(head.len() + 40 * 1024, b'a');
    head.extend_from_slice(b"\r\n\r\n");
    // The gateway may answer and close before it has read all of it.
    let _ = stream.write_all(&head).await;
    let answer = read_to_close(&mut stream).await;
    assert!(
        answer.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
        "{answer}"
    );
}
