//! `/account/orders/{id}`: one order with its status timeline, kept current while it can still
//! change (it polls every second until SHIPPED or CANCELLED), and its parcel's tracking.

use contracts::browser::{sleep, FetchError};
use contracts::orders::{OrderStatus, OrderView, ShipmentView};
use leptos::prelude::*;

use crate::api::Api;

/// The order page.
#[component]
pub fn OrderDetail(api: Api, id: String) -> impl IntoView {
    let order = RwSignal::new(None::<Result<OrderView, FetchError>>);
    let shipment = RwSignal::new(None::<ShipmentView>);
    leptos::task::spawn_local(async move {
        loop {
            let result = api.order(&id).await;
            let done = match &result {
                Ok(view) => view.status.is_final(),
                Err(error) if error.is_unmounted() => return,
                Err(_) => true,
            };
            if let Ok(view) = &result {
                if view.status == OrderStatus::Shipped
                    && shipment.try_set(api.shipment(&view.id).await.ok()).is_some()
                {
                    return;
                }
            }
            // The page may have gone while we waited: then there is nobody to tell.
            if order.try_set(Some(result)).is_some() || done {
                return;
            }
            sleep(1_000).await;
        }
    });
    move || match order.get() {
        None => view! { <p class="account-note">"Loading the order…"</p> }.into_any(),
        Some(Err(error)) => view! { <p class="account-error">{error.user_message()}</p> }.into_any(),
        Some(Ok(view)) => view! { <OrderCard order=view shipment=shipment.get() /> }.into_any(),
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
                <strong class=format!("order-status status-{}", status.to_lowercase()) data-testid="order-status">{status}</strong>
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
