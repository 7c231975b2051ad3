//! The wire format against Stripe's API reference: the parameters payments sends to create a
//! Checkout Session are documented ones, Stripe's documented objects parse, and what the
//! sandbox renders uses Stripe's field names and nothing else. The field lists are copied from
//! Stripe's reference (docs.stripe.com/api/checkout/sessions/create, …/object, /api/events/object)
//! and kept apart from the types, so a renamed field fails here instead of agreeing with itself.

use std::collections::BTreeMap;

use contracts::catalog::Money;
use contracts::inventory::InventoryReserved;
use serde_json::{json, Value};

use super::wire::{CheckoutSession, Event, PaymentStatus, SessionStatus, SESSION_COMPLETED};
use crate::config::Settings;
use crate::events::reserved::session_params;
use crate::sandbox::deliver;
use crate::sandbox::store::SandboxSession;

/// Create-session parameters payments may send (Stripe's names; `N` an index, `KEY` any key).
const CREATE_PARAMETERS: &[&str] = &[
    "mode",
    "line_items[N][price_data][currency]",
    "line_items[N][price_data][unit_amount]",
    "line_items[N][price_data][product_data][name]",
    "line_items[N][quantity]",
    "client_reference_id",
    "metadata[KEY]",
    "success_url",
    "cancel_url",
    "expires_at",
];

/// Every top-level field of Stripe's Checkout Session object.
const SESSION_FIELDS: &[&str] = &[
    "id",
    "object",
    "adaptive_pricing",
    "after_expiration",
    "allow_promotion_codes",
    "amount_subtotal",
    "amount_total",
    "automatic_tax",
    "billing_address_collection",
    "cancel_url",
    "client_reference_id",
    "client_secret",
    "collected_information",
    "consent",
    "consent_collection",
    "created",
    "currency",
    "currency_conversion",
    "custom_fields",
    "custom_text",
    "customer",
    "customer_creation",
    "customer_details",
    "customer_email",
    "discounts",
    "expires_at",
    "invoice",
    "invoice_creation",
    "line_items",
    "livemode",
    "locale",
    "metadata",
    "mode",
    "optional_items",
    "payment_intent",
    "payment_link",
    "payment_method_collection",
    "payment_method_configuration_details",
    "payment_method_options",
    "payment_method_types",
    "payment_status",
    "permissions",
    "phone_number_collection",
    "presentment_details",
    "recovered_from",
    "redirect_on_completion",
    "return_url",
    "saved_payment_method_options",
    "setup_intent",
    "shipping_address_collection",
    "shipping_cost",
    "shipping_options",
    "status",
    "submit_type",
    "subscription",
    "success_url",
    "tax_id_collection",
    "total_details",
    "ui_mode",
    "url",
    "wallet_options",
];

/// Every top-level field of Stripe's Event object.
const EVENT_FIELDS: &[&str] = &[
    "id",
    "object",
    "account",
    "api_version",
    "context",
    "created",
    "data",
    "livemode",
    "pending_webhooks",
    "request",
    "type",
];

/// `line_items[0][price_data][currency]` → `line_items[N][price_data][currency]`.
fn generic(key: &str) -> String {
    let mut parts = key.split('[');
    let head = parts.next().unwrap_or_default().to_string();
    parts.fold(head, |mut out, part| {
        let inner = part.trim_end_matches(']');
        let inner = if inner.bytes().all(|b| b.is_ascii_digit()) {
            "N"
        } else if out == "metadata" {
            "KEY"
        } else {
            inner
        };
        out.push_str(&format!("[{inner}]"));
        out
    })
}

fn keys(value: &Value) -> Vec<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn settings() -> Settings {
    Settings::with_service(kit::config::ServiceConfig {
        name: "payments",
        host: "127.0.0.1".into(),
        port: 0,
        nats_url: "nats://127.0.0.1:1".into(),
        database_url: "sqlite::memory:".into(),
        stream_replicas: 1,
    })
}

#[test]
fn the_create_request_sends_documented_parameters_with_the_order_in_them() {
    let order = InventoryReserved {
        order_id: "0192f0a1-7c3e-7abc-9def-001122334455".into(),
        total: Money::eur(2599),
    };
    let body = serde_qs::to_string(&session_params(&settings(), &order)).unwrap_or_default();
    let pairs: BTreeMap<String, String> = body
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_string(), v.replace("%2F", "/").replace("%2D", "-")))
        .collect();
    for key in pairs.keys() {
        assert!(
            CREATE_PARAMETERS.contains(&generic(key).as_str()),
            "{key} is not a Stripe parameter"
        );
    }
    let expect = [
        ("mode", "payment"),
        ("line_items[0][price_data][currency]", "eur"),
        ("line_items[0][price_data][unit_amount]", "2599"),
        ("line_items[0][quantity]", "1"),
        ("client_reference_id", "0192f0a1-7c3e-7abc-9def-001122334455"),
        ("metadata[order_id]", "0192f0a1-7c3e-7abc-9def-001122334455"),
        (
            "success_url",
            "/account/orders/0192f0a1-7c3e-7abc-9def-001122334455",
        ),
    ];
    for (key, value) in expect {
        assert_eq!(pairs.get(key).map(String::as_str), Some(value), "{key} in {body}");
    }
    assert!(
        pairs.contains_key("line_items[0][price_data][product_data][name]"),
        "{body}"
    );
}

#[test]
fn stripes_documented_session_object_parses_with_the_fields_the_store_reads() {
    // Stripe's example object (abridged to a representative part, unknown fields included).
    let documented = json!({
        "id": "cs_test_a11YYufWQzNY63zpQ6QSNRQhkUpVph4WRmzW0zWJO2znZKdVujZ0N0S22u",
        "object": "checkout.session", "after_expiration": null, "allow_promotion_codes": null,
        "amount_subtotal": 2198, "amount_total": 2198,
        "automatic_tax": {"enabled": false, "liability": null, "status": null},
        "billing_address_collection": null, "cancel_url": null, "client_reference_id": null,
        "created": 1679600215, "currency": "usd", "custom_fields": [], "customer": null,
        "expires_at": 1679686615, "livemode": false, "locale": null, "metadata": {},
        "mode": "payment", "payment_intent": null, "payment_method_types": ["card"],
        "payment_status": "unpaid", "status": "open", "success_url": "https://example.com/success",
        "url": "https://checkout.stripe.com/c/pay/cs_test_a11YYufWQzNY63zpQ6QSNRQhkUpVph4WRmzW0zWJO2znZKdVujZ0N0S22u"
    });
    let session: CheckoutSession = serde_json::from_value(documented).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(session.amount_total, Some(2198));
    assert_eq!(session.status, Some(SessionStatus::Open));
    assert_eq!(session.payment_status, PaymentStatus::Unpaid);
    assert!(session
        .url
        .is_some_and(|u| u.starts_with("https://checkout.stripe.com/")));
}

#[test]
fn the_sandboxs_session_and_event_use_stripes_field_names() {
    let sandbox = SandboxSession {
        id: "cs_test_1".into(),
        amount_total: 2599,
        currency: "eur".into(),
        product_name: "Mercado order 1".into(),
        client_reference_id: Some("order-1".into()),
        metadata: BTreeMap::from([("order_id".into(), "order-1".into())]),
        success_url: "/account/orders/order-1".into(),
        cancel_url: Some("/account/orders/order-1".into()),
        status: "complete".into(),
        payment_status: "paid".into(),
        created: 1,
        expires_at: 2,
    };
    let object = sandbox.to_object("/api/payments/sandbox/checkout/cs_test_1".into());
    let event = deliver::event(SESSION_COMPLETED, &object).unwrap_or_else(|e| panic!("{e}"));
    let event = serde_json::to_value(&event).unwrap_or_default();

    for key in keys(&event) {
        assert!(
            EVENT_FIELDS.contains(&key.as_str()),
            "event field {key} is not Stripe's"
        );
    }
    for key in [
        "id",
        "object",
        "api_version",
        "created",
        "data",
        "livemode",
        "type",
    ] {
        assert!(event.get(key).is_some(), "the event lacks {key}");
    }
    assert!(event["id"].as_str().is_some_and(|id| id.starts_with("evt_")));
    assert_eq!(event["object"], "event");
    assert_eq!(event["type"], "checkout.session.completed");
    assert_eq!(keys(&event["data"]), ["object"]);

    let session = &event["data"]["object"];
    for key in keys(session) {
        assert!(
            SESSION_FIELDS.contains(&key.as_str()),
            "session field {key} is not Stripe's"
        );
    }
    assert_eq!(session["object"], "checkout.session");
    assert_eq!(session["status"], "complete");
    assert_eq!(session["payment_status"], "paid");
    assert_eq!(session["url"], Value::Null, "a closed session has no pay page");
    assert_eq!(session["client_reference_id"], "order-1");
    assert_eq!(session["amount_total"], 2599);
    let back: Event = serde_json::from_value(event).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.checkout_session().ok(), Some(object));
}
