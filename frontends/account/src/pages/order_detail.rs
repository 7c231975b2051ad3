//! `/account/orders/{id}`: one order with its status timeline and its parcel's tracking, kept
//! current live: the shell re-dispatches the gateway's order updates as
//! `storefront:order-updated`, and each one for this order re-reads it.

use std::time::Duration;

use contracts::events::{OrderUpdated, PageShown};
use contracts::orders::{OrderStatus, OrderView};
use contracts::shipping::ShipmentView;
use leptos::prelude::*;
use web_kit::events::{emit_encoded, keep_until_cleanup, listen_decoded};
use web_kit::fetch::FetchError;

use crate::api::Api;

/// While the order can still change, it is also re-read this often, in case an update went
/// by while the event stream was reconnecting.
const SAFETY_REREAD: Duration = Duration::from_secs(15);

/// The order page.
#[component]
pub fn OrderDetail(api: Api, id: String) -> impl IntoView {
    let order = RwSignal::new(None::<Result<OrderView, FetchError>>);
    let shipment = RwSignal::new(None::<ShipmentView>);
    let reload = RwSignal::new(0_u32);
    let watched = id.clone();
    let listener = listen_decoded::<OrderUpdated, _>(move |update| {
        if update.order_id == watched {
            reload.update(|n| *n += 1);
        }
    });
    keep_until_cleanup(listener);
    Effect::new(move |_| {
        reload.track();
        leptos::task::spawn_local(load(api, id.clone(), order, shipment));
    });
    // The safety net; the interval goes with the page.
    if let Ok(timer) = set_interval_with_handle(move || reread_if_changing(order, reload), SAFETY_REREAD) {
        on_cleanup(move || timer.clear());
    }
    move || match order.get() {
        None => view! { <p class="account-note">"Loading the order…"</p> }.into_any(),
        Some(Err(error)) => view! { <p class="account-error">{error.user_message()}</p> }.into_any(),
        Some(Ok(view)) => view! { <OrderCard order=view shipment=shipment.get() /> }.into_any(),
    }
}

/// Reads the order (and, once shipped, its parcel) into the page's signals.
async fn load(
    api: Api,
    id: String,
    order: RwSignal<Option<Result<OrderView, FetchError>>>,
    shipment: RwSignal<Option<ShipmentView>>,
) {
    let result = api.order(&id).await;
    if matches!(&result, Err(error) if error.is_unmounted()) {
        return;
    }
    if let Ok(view) = &result {
        if view.status == OrderStatus::Shipped {
            let parcel = api.shipment(&view.id).await.ok();
            // The page may have gone while we waited: then there is nobody to tell.
            if shipment.try_set(parcel).is_some() {
                return;
            }
        }
    }
    // Two reads can cross on the wire: never replace a longer history with a shorter one.
    let older = |shown: &Option<Result<OrderView, FetchError>>| match (shown, &result) {
        (Some(Ok(shown)), Ok(read)) => read.history.len() < shown.history.len(),
        _ => false,
    };
    if order.try_with_untracked(older) == Some(false) && order.try_set(Some(result)).is_none() {
        emit_encoded(&PageShown {
            href: format!("/account/orders/{id}"),
        });
    }
}

/// Asks for a re-read unless the order is final (or failed to load).
fn reread_if_changing(order: RwSignal<Option<Result<OrderView, FetchError>>>, reload: RwSignal<u32>) {
    let changing = order.try_with_untracked(|shown| match shown {
        Some(Ok(view)) => !view.status.is_final(),
        Some(Err(_)) => false,
        None => true,
    });
    if changing == Some(true) {
        reload.try_update(|n| *n += 1);
    }
}

#[component]
fn OrderCard(order: OrderView, shipment: Option<ShipmentView>) -> impl IntoView {
    let status = order.status.as_str();
    let pay = (order.status == OrderStatus::AwaitingPayment)
        .then_some(order.checkout_url.clone())
        .flatten();
    view! {
        <section class="account-card" data-testid="order">
            <a href="/account">"← Your account"</a>
            <h1>{format!("Order {}", order.id.split('-').next().unwrap_or_default())}</h1>
            <p>
                "Status: "
                <strong class=format!("order-status status-{}", status.to_ascii_lowercase()) data-testid="order-status">{status}</strong>
            </p>
            {pay.map(|url| view! { <a class="order-pay" href=url data-testid="pay-now">"Pay now"</a> })}
            <ol class="order-timeline" data-testid="order-timeline">
                {order
                    .history
                    .iter()
                    .map(|step| view! {
                        <li>
                            <strong>{step.status.as_str()}</strong>
                            <span class="order-date">{format!("{} UTC", step.at.get(..19).unwrap_or(&step.at).replace('T', " "))}</span>
                            {step.reason.clone().map(|r| view! { <span class="order-reason" data-testid="order-reason">{r}</span> })}
                        </li>
                    })
                    .collect_view()}
            </ol>
            <ul class="order-lines">
                {order
                    .lines
                    .iter()
                    .map(|l| view! { <li>{format!("{} × {} — {}", l.quantity, l.name, l.unit_price.display())}</li> })
                    .collect_view()}
            </ul>
            <p>"Total " <strong>{order.total.display()}</strong></p>
            {shipment.map(|s| view! {
                <p data-testid="tracking">
                    {format!("Parcel {} — {}", s.tracking_code, s.events.last().map(|e| e.status.as_str()).unwrap_or_default())}
                </p>
            })}
        </section>
    }
}
