//! The shipping address fields, checked as the shopper types (after leaving a field).

use leptos::prelude::*;

/// The address being typed, one signal per field.
#[derive(Clone, Copy)]
pub struct AddressFields {
    /// Recipient.
    pub name: RwSignal<String>,
    /// Street and number.
    pub line1: RwSignal<String>,
    /// Flat, floor (optional).
    pub line2: RwSignal<String>,
    /// Postal code.
    pub postal_code: RwSignal<String>,
    /// City.
    pub city: RwSignal<String>,
    /// Two-letter country code.
    pub country: RwSignal<String>,
}

impl AddressFields {
    /// Empty fields, Portugal preselected.
    pub fn new() -> Self {
        Self {
            name: RwSignal::new(String::new()),
            line1: RwSignal::new(String::new()),
            line2: RwSignal::new(String::new()),
            postal_code: RwSignal::new(String::new()),
            city: RwSignal::new(String::new()),
            country: RwSignal::new("PT".into()),
        }
    }

    /// (API field, label, signal, required), in form order.
    pub fn all(self) -> [(&'static str, &'static str, RwSignal<String>, bool); 6] {
        [
            ("shippingAddress.name", "Full name", self.name, true),
            ("shippingAddress.line1", "Address", self.line1, true),
            (
                "shippingAddress.line2",
                "Flat, floor (optional)",
                self.line2,
                false,
            ),
            (
                "shippingAddress.postalCode",
                "Postal code",
                self.postal_code,
                true,
            ),
            ("shippingAddress.city", "City", self.city, true),
            ("shippingAddress.country", "Country code", self.country, true),
        ]
    }

    /// The client-side rule for one field.
    pub fn problem(field: &str, value: &str, required: bool) -> Option<String> {
        let value = value.trim();
        if required && value.is_empty() {
            return Some("Required.".into());
        }
        if field.ends_with("country") && (value.len() != 2 || !value.chars().all(|c| c.is_ascii_alphabetic()))
        {
            return Some("Use a two-letter code, e.g. PT.".into());
        }
        None
    }
}

/// The fields; `server` holds the service's verdict per field until the field is edited.
#[component]
pub fn AddressForm(
    fields: AddressFields,
    server: RwSignal<Vec<(String, String)>>,
    submitted: RwSignal<bool>,
) -> impl IntoView {
    fields
        .all()
        .into_iter()
        .map(|(field, label, value, required)| {
            let touched = RwSignal::new(false);
            let error = move || {
                let from_server = server.with(|s| s.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone()));
                let shown = touched.get() || submitted.get();
                from_server.or_else(|| {
                    shown
                        .then(|| value.with(|v| AddressFields::problem(field, v, required)))
                        .flatten()
                })
            };
            let id = format!("address-{}", field.trim_start_matches("shippingAddress."));
            view! {
                <div class="checkout-field" class:invalid=move || error().is_some()>
                    <label for=id.clone()>{label}</label>
                    <input
                        id=id.clone()
                        name=id
                        prop:value=move || value.get()
                        on:input=move |ev| {
                            value.set(event_target_value(&ev));
                            server.update(|s| s.retain(|(f, _)| f != field));
                        }
                        on:blur=move |_| touched.set(true)
                    />
                    <p class="checkout-field-error">{error}</p>
                </div>
            }
        })
        .collect_view()
}
