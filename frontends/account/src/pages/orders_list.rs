//! The user's orders on `/account`, newest first.

use contracts::events::PageShown;
use leptos::prelude::*;
use web_kit::events::emit_encoded;

use crate::api::Api;

/// A list of orders with their status and total, each a link to its page.
///
/// Read into a signal by one task, as the profile is (see `ProfilePage`).
#[component]
pub fn OrdersList(api: Api) -> impl IntoView {
    let orders = RwSignal::new(None);
    leptos::task::spawn_local(async move {
        let read = api.orders().await;
        orders.try_set(Some(read));
    });
    // Once the list is on screen the shell may write `/account` into the history.
    Effect::new(move |_| {
        if orders.with(Option::is_some) {
            emit_encoded(&PageShown {
                href: "/account".into(),
            });
        }
    });
    let body = move || {
        match orders.get() {
            None => view! { <p class="account-note">"Loading your orders…"</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => {
                view! { <p class="account-note">"Your orders will appear here once you have placed one."</p> }.into_any()
            }
            Some(Ok(list)) => view! {
                <ul class="orders-list" data-testid="orders-list">
                    {list
                        .into_iter()
                        .map(|order| view! {
                            <li>
                                <a href=format!("/account/orders/{}", order.id)>
                                    {format!("Order {}", order.id.split('-').next().unwrap_or_default())}
                                </a>
                                <span class="order-date">{order.placed_at.get(..10).unwrap_or_default().to_string()}</span>
                                <span class=format!("order-status status-{}", order.status.as_str().to_ascii_lowercase())>{order.status.as_str()}</span>
                                <span>{order.total.display()}</span>
                            </li>
                        })
                        .collect_view()}
                </ul>
            }
            .into_any(),
            Some(Err(error)) => view! { <p class="account-error">{error.user_message()}</p> }.into_any(),
        }
    };
    view! {
        <section class="account-card">
            <h2>"Your orders"</h2>
            {body}
        </section>
    }
}
