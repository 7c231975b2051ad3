//! `/checkout`: address, review, place the order, then on to the payment provider's page.

use contracts::events::CartChanged;
use contracts::orders::{OrderPreview, OrderStatus, PlaceOrderRequest, ShippingAddress};
use leptos::prelude::*;
use web_kit::events::{keep_until_cleanup, listen_decoded};
use web_kit::fetch::FetchError;
use web_kit::timer::sleep;
use web_sys::SubmitEvent;

use crate::api::Api;
use crate::components::address_form::{AddressFields, AddressForm};
use crate::components::review::Review;

/// One key per visit of the page: a double click or a retry places the same order.
fn idempotency_key() -> String {
    let time = js_sys::Date::now() as u64;
    let random = (js_sys::Math::random() * 1e15) as u64;
    format!("checkout-{time:x}-{random:x}")
}

/// The checkout page.
#[component]
pub fn CheckoutPage(api: Api) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    // The priced cart, read again on every `reload`; the fallback shows while a read is on its
    // way. Signals and one task per read rather than a `LocalResource` under `<Suspense>`: the
    // same page for several KB less of async-derived and suspense code (decision 0001).
    let preview = RwSignal::new(None::<Result<OrderPreview, FetchError>>);
    let loading = RwSignal::new(true);
    let latest = StoredValue::new(0u32);
    Effect::new(move |_| {
        reload.track();
        let ticket = latest.get_value().wrapping_add(1);
        latest.set_value(ticket);
        loading.set(true);
        leptos::task::spawn_local(async move {
            let read = api.preview().await;
            // Only the latest read counts; none once the page is gone.
            if latest.try_get_value() == Some(ticket) {
                preview.try_set(Some(read));
                loading.try_set(false);
            }
        });
    });
    // The cart can change under the page: right after signing in, the shell merges the
    // visitor's cart into the user's and says so — the review must follow, not show the
    // empty cart the user had a moment before.
    let listener = listen_decoded::<CartChanged, _>(move |_| reload.update(|n| *n += 1));
    keep_until_cleanup(listener);
    let fields = AddressFields::new();
    let server = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let key = idempotency_key();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        let invalid = fields
            .all()
            .iter()
            .any(|(f, _, v, r)| v.with(|v| AddressFields::problem(f, v, *r)).is_some());
        let Some(Ok(current)) = preview.get_untracked() else {
            return;
        };
        if invalid || busy.get_untracked() {
            return;
        }
        busy.set(true);
        message.set(None);
        let request = PlaceOrderRequest {
            shipping_address: ShippingAddress {
                name: fields.name.get_untracked(),
                line1: fields.line1.get_untracked(),
                line2: fields.line2.get_untracked(),
                postal_code: fields.postal_code.get_untracked(),
                city: fields.city.get_untracked(),
                country: fields.country.get_untracked(),
            },
            expected_total_cents: current.total.cents,
        };
        let key = key.clone();
        leptos::task::spawn_local(async move {
            match api.place(&request, &key).await {
                Ok(order) => go_to_payment(api, order.id, message).await,
                Err(FetchError::Problem(problem)) if problem.status == 400 => {
                    server.set(problem.errors.into_iter().map(|e| (e.field, e.message)).collect());
                }
                Err(FetchError::Problem(problem)) if problem.kind == "/problems/prices-changed" => {
                    message.set(problem.detail);
                    reload.update(|n| *n += 1);
                }
                Err(error) => message.set(Some(error.user_message())),
            }
            busy.set(false);
        });
    };
    let content = move || {
        if loading.get() {
            return view! { <p class="checkout-note">"Loading your order…"</p> }.into_any();
        }
        match preview.get() {
            None => ().into_any(),
            Some(Ok(current)) => view! {
                <form class="checkout-grid" on:submit=on_submit.clone() novalidate>
                    <section class="checkout-address">
                        <h2>"Shipping address"</h2>
                        <AddressForm fields server submitted />
                    </section>
                    <div>
                        <Review preview=current />
                        <p class="checkout-message" role="alert" data-testid="checkout-message">{move || message.get()}</p>
                        <button class="checkout-place" type="submit" data-testid="place-order" disabled=busy>
                            {move || if busy.get() { "Placing your order…" } else { "Place order and pay" }}
                        </button>
                    </div>
                </form>
            }
            .into_any(),
            Some(Err(error)) if error.status() == Some(409) => view! {
                <p class="checkout-note" data-testid="checkout-empty">
                    {error.user_message()} " " <a href="/cart">"Back to your cart"</a>
                </p>
            }
            .into_any(),
            Some(Err(error)) => view! { <p class="checkout-message" role="alert">{error.user_message()}</p> }.into_any(),
        }
    };
    view! {
        <section class="checkout-page">
            <h1>"Checkout"</h1>
            {content}
        </section>
    }
}

/// Waits for the saga to open a payment session, then leaves for the provider's page (or says
/// why the order was cancelled, e.g. out of stock).
async fn go_to_payment(api: Api, order_id: String, message: RwSignal<Option<String>>) {
    message.set(Some("Order placed. Reserving your items…".into()));
    for _ in 0..120 {
        match api.order(&order_id).await {
            Ok(order) if order.status == OrderStatus::Cancelled => {
                let reason = order
                    .history
                    .last()
                    .and_then(|h| h.reason.clone())
                    .unwrap_or_default();
                message.set(Some(format!("Your order was cancelled: {reason}")));
                return;
            }
            Ok(order) => {
                if let (Some(url), Some(window)) = (order.checkout_url, web_sys::window()) {
                    let _ = window.location().assign(&url);
                    return;
                }
            }
            // Unmounted meanwhile: nothing left to show.
            Err(error) if error.is_unmounted() => return,
            Err(error) => message.set(Some(error.user_message())),
        }
        sleep(500).await;
    }
    message.set(Some(
        "Payment is taking long to open; see your account for the order.".into(),
    ));
}
