//! The live feed behind `/api/events`: order status changes from NATS, fanned out to the
//! open event streams of the users they belong to.
//!
//! It is a plain NATS subscription, not a durable consumer: every gateway replica hears every
//! change and serves its own open streams, and a change nobody is watching is simply not
//! shown live (the page reads the order's current state whenever it opens or reconnects).

use std::sync::Arc;

use contracts::events::OrderUpdated;
use contracts::messaging::{DomainEvent, Envelope};
use contracts::orders::OrderStatusChanged;
use futures::StreamExt;
use tokio::sync::{broadcast, watch};

/// How many updates may wait for a slow stream before it is ended (and reconnects).
const BUFFER: usize = 1024;

/// One update with the user it is for.
#[derive(Debug)]
pub struct Addressed {
    /// The order's owner: only their streams carry it.
    pub user_id: String,
    /// What the browser is told.
    pub update: OrderUpdated,
}

/// Fans updates out to every open stream (cheap to clone).
#[derive(Clone)]
pub struct Feed {
    sender: broadcast::Sender<Arc<Addressed>>,
    /// Set at shutdown: open streams end so the server can drain its connections.
    stopping: Arc<watch::Sender<bool>>,
}

impl Default for Feed {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(BUFFER).0,
            stopping: Arc::new(watch::channel(false).0),
        }
    }
}

impl Feed {
    /// Starts forwarding `orders.status-changed` from `nats` to the open streams, for as long
    /// as the connection lives (async-nats resubscribes after a reconnect).
    pub async fn follow(&self, nats: &async_nats::Client) -> Result<(), async_nats::SubscribeError> {
        let mut changes = nats.subscribe(OrderStatusChanged::SUBJECT).await?;
        // Subscribed on the server before the gateway takes its first request.
        if let Err(err) = nats.flush().await {
            tracing::warn!(error = %err, "NATS flush after subscribing failed");
        }
        let (sender, stopping) = (self.sender.clone(), self.stopping.clone());
        tokio::spawn(async move {
            let forward = async {
                while let Some(message) = changes.next().await {
                    match serde_json::from_slice::<Envelope<OrderStatusChanged>>(&message.payload) {
                        // No open stream is not an error.
                        Ok(envelope) => drop(sender.send(Arc::new(addressed(envelope.event)))),
                        Err(err) => tracing::warn!(error = %err, "unreadable order status change skipped"),
                    }
                }
            };
            tokio::select! {
                () = forward => {}
                () = kit::serve::shutdown_signal() => {}
            }
            stopping.send_replace(true);
        });
        Ok(())
    }

    /// Resolves when the gateway is shutting down.
    pub fn stopped(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut stopping = self.stopping.subscribe();
        async move {
            // An error means the feed is gone: stopped as well.
            let _ = stopping.wait_for(|stopping| *stopping).await;
        }
    }

    /// A receiver of every update from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Addressed>> {
        self.sender.subscribe()
    }
}

fn addressed(change: OrderStatusChanged) -> Addressed {
    Addressed {
        user_id: change.user_id,
        update: OrderUpdated {
            order_id: change.order_id,
            status: change.status.as_str().to_owned(),
        },
    }
}
