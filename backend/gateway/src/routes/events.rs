//! `GET /api/events`: the signed-in user's own live updates as server-sent events.
//!
//! Each event is named after the storefront event the shell re-dispatches it as (for now
//! `storefront:order-updated`) and carries that event's JSON. The stream ends when the access
//! token expires, so a client keeps it open only with a valid token: it reconnects with its
//! refreshed one. It also ends when the gateway shuts down, so draining does not wait on it.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use contracts::events::{OrderUpdated, StorefrontEvent};
use futures::{Stream, StreamExt};
use kit::auth::AuthUser;
use tokio::sync::broadcast::error::RecvError;

use crate::feed::Feed;

/// The user's updates until their token expires (or they fall too far behind).
pub async fn order_events(
    State(feed): State<Feed>,
    user: AuthUser,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let expiry = tokio::time::sleep(until(user.expires_at));
    let end = futures::future::select(Box::pin(expiry), Box::pin(feed.stopped()));
    let updates = futures::stream::unfold(feed.subscribe(), move |mut receiver| {
        let user_id = user.id.clone();
        async move {
            loop {
                match receiver.recv().await {
                    Ok(update) if update.user_id == user_id => {
                        return Some((Ok(event(&update.update)), receiver));
                    }
                    Ok(_) => {}
                    // Missed updates: end, so the client reconnects and reloads what it shows.
                    Err(RecvError::Lagged(_) | RecvError::Closed) => return None,
                }
            }
        }
    });
    Sse::new(updates.take_until(end)).keep_alive(KeepAlive::default())
}

fn event(update: &OrderUpdated) -> Event {
    let data = serde_json::to_string(update).unwrap_or_default();
    Event::default().event(OrderUpdated::NAME).data(data)
}

/// Time left until Unix second `expires_at` (zero if already past).
fn until(expires_at: u64) -> Duration {
    let now = u64::try_from(kit::clock::unix_millis() / 1000).unwrap_or(0);
    Duration::from_secs(expires_at.saturating_sub(now))
}
