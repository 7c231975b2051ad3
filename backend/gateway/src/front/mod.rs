//! The gateway's own HTTP/1.1 server: what browsers, partners and load balancers talk to.
//!
//! hyper's server took about 6 k of the 39.1 k instructions a proxied request cost in its own
//! frames (decision 0020, round 5): its dispatcher's state machine, encoding through a buffer
//! of buffers, its `connection` header checks; and it made a header map per request. Here one task per
//! connection reads a request head with `httparse` (hyper's parser) straight into the header
//! map of the connection's previous answer, hands the request to the gateway's service, and
//! writes the answer's head and its first pieces of body in one write.
//!
//! What it speaks: HTTP/1.1 and 1.0, keep-alive, pipelined requests one after another,
//! request bodies by length or chunked (`Expect: 100-continue` answered), answers by length,
//! chunked, or up to the close for 1.0 clients. What it does not: HTTP/2 (browsers use it only
//! over TLS, which the ingress or balancer in front of the gateway ends) and upgrades
//! (nothing behind the gateway takes them).

mod connection;
mod request;
mod response;

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::Request;
use axum::response::Response;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_util::task::TaskTracker;
use tower::Service;

use connection::Connection;

/// How long a connection may take to send a request head, counted from when the gateway
/// starts waiting for it (so it is also how long a keep-alive connection may sit idle), and
/// how long a request body may pause between reads.
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long the accept loop rests after a failed accept (out of file descriptors, say), so
/// that it does not spin while the condition lasts.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// The gateway bound to its port, ready to serve: what `Application::build` returns (tests
/// read the port of a `PORT=0` bind from it).
pub struct Server<App> {
    listener: TcpListener,
    app: App,
    port: u16,
}

impl<App> Server<App>
where
    App: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    App::Future: Send,
{
    /// Pairs a bound listener with what answers its requests.
    pub fn new(listener: TcpListener, app: App) -> std::io::Result<Self> {
        let port = listener.local_addr()?.port();
        Ok(Self { listener, app, port })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM / Ctrl-C. Then it stops accepting, closes idle connections, and
    /// lets every request in flight finish before returning.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Self { listener, app, .. } = self;
        if let Ok(addr) = listener.local_addr() {
            tracing::info!(%addr, "listening");
        }
        let (stop, stopping) = watch::channel(false);
        let connections = TaskTracker::new();
        let mut signal = std::pin::pin!(kit::serve::shutdown_signal());
        loop {
            let accepted = tokio::select! {
                () = &mut signal => break,
                accepted = listener.accept() => accepted,
            };
            match accepted {
                Ok((stream, peer)) => {
                    // No Nagle: an answer written in pieces (head, then a streamed body) must
                    // not wait for the client's delayed ACK.
                    if let Err(err) = stream.set_nodelay(true) {
                        tracing::warn!(error = %err, "could not set TCP_NODELAY");
                    }
                    let connection = Connection::new(stream, peer, app.clone(), stopping.clone());
                    connections.spawn(connection.run());
                }
                Err(err) => {
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(ACCEPT_PAUSE).await;
                }
            }
        }
        drop(listener);
        stop.send_replace(true);
        connections.close();
        connections.wait().await;
        tracing::info!("stopped");
        kit::telemetry::flush();
        Ok(())
    }
}
