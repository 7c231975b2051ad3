//! Watching the bus: when each order turned PAID (as the gateway's live feed hears it), and
//! how many times each was announced paid in the ORDERS stream (what the rest of the system
//! acts on: more than once would mean a doubled order).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use async_nats::jetstream::{self, consumer};
use contracts::messaging::{DomainEvent, Envelope, ORDERS_STREAM};
use contracts::orders::{OrderPaid, OrderStatus, OrderStatusChanged};
use futures::StreamExt;

use crate::shoppers::Placed;

/// When each order was first seen PAID.
#[derive(Clone, Default)]
pub struct PaidWatch {
    paid_at: Arc<Mutex<HashMap<String, Instant>>>,
}

impl PaidWatch {
    /// Starts listening to `orders.status-changed`.
    pub async fn start(nats: &async_nats::Client) -> Result<Self> {
        let mut changes = nats.subscribe(OrderStatusChanged::SUBJECT).await?;
        nats.flush().await?;
        let watch = Self::default();
        let paid_at = watch.paid_at.clone();
        tokio::spawn(async move {
            while let Some(message) = changes.next().await {
                let Ok(change) = serde_json::from_slice::<Envelope<OrderStatusChanged>>(&message.payload)
                else {
                    continue;
                };
                if change.event.status == OrderStatus::Paid {
                    if let Ok(mut paid) = paid_at.lock() {
                        paid.entry(change.event.order_id).or_insert_with(Instant::now);
                    }
                }
            }
        });
        Ok(watch)
    }

    /// Waits until every one of `ids` is PAID, or nothing new was paid for `patience`.
    pub async fn wait_for<'a>(&self, ids: impl Iterator<Item = &'a str>, patience: Duration) {
        let ids: Vec<&str> = ids.collect();
        let (mut last_count, mut last_progress) = (0, Instant::now());
        loop {
            let count = self.count_of(&ids);
            if count == ids.len() || last_progress.elapsed() > patience {
                return;
            }
            if count > last_count {
                (last_count, last_progress) = (count, Instant::now());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn count_of(&self, ids: &[&str]) -> usize {
        self.paid_at
            .lock()
            .map(|paid| ids.iter().filter(|id| paid.contains_key(**id)).count())
            .unwrap_or(0)
    }

    /// Placing → PAID for every placed order that was paid.
    pub fn latencies(&self, placed: &[Placed]) -> Vec<Duration> {
        let Ok(paid) = self.paid_at.lock() else {
            return Vec::new();
        };
        placed
            .iter()
            .filter_map(|p| paid.get(&p.order_id).map(|at| at.duration_since(p.sent)))
            .collect()
    }

    /// When the last order was paid.
    pub fn last_at(&self) -> Option<Instant> {
        self.paid_at.lock().ok()?.values().max().copied()
    }
}

/// How many times each order was announced paid (`orders.paid`) in the ORDERS stream.
pub async fn paid_announcements(nats: &async_nats::Client) -> Result<HashMap<String, usize>> {
    let js = jetstream::new(nats.clone());
    let stream = js
        .get_stream(ORDERS_STREAM.name)
        .await
        .context("the ORDERS stream")?;
    let mut reader = stream
        .create_consumer(consumer::pull::OrderedConfig {
            filter_subject: OrderPaid::SUBJECT.into(),
            deliver_policy: consumer::DeliverPolicy::All,
            ..Default::default()
        })
        .await?;
    let pending = reader.info().await?.num_pending;
    let mut messages = reader.messages().await?;
    let mut counts = HashMap::new();
    for _ in 0..pending {
        let message = tokio::time::timeout(Duration::from_secs(10), messages.next())
            .await
            .context("reading the ORDERS stream")?
            .context("the ORDERS stream ended")??;
        let paid: Envelope<OrderPaid> = serde_json::from_slice(&message.payload)?;
        *counts.entry(paid.event.order_id).or_default() += 1;
    }
    Ok(counts)
}
