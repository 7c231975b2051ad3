//! A labelled form input that shows its error once the user has left it (or submitted).

use leptos::prelude::*;

/// One input with its label and error line.
#[component]
pub fn Field(
    /// Visible label.
    label: &'static str,
    /// Input name; also names the error element (`error-<name>`) for tests and a11y.
    name: &'static str,
    /// Input type.
    #[prop(default = "text")]
    kind: &'static str,
    /// Browser autofill hint.
    autocomplete: &'static str,
    /// The value, two-way.
    value: RwSignal<String>,
    /// The current error for this value, if any.
    error: Memo<Option<String>>,
    /// Show errors even before the field was left (after a submit attempt).
    force: RwSignal<bool>,
) -> impl IntoView {
    let touched = RwSignal::new(false);
    let shown = move || (touched.get() || force.get()).then(|| error.get()).flatten();
    let id = format!("field-{name}");
    let error_id = format!("error-{name}");
    // Styling keys on `aria-invalid`, so one binding serves both looks and assistive tech.
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                aria-describedby=error_id.clone()
                aria-invalid=move || shown().is_some().to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                on:blur=move |_| touched.set(true)
            />
            <p class="field-error" id=error_id.clone() data-testid=error_id>{shown}</p>
        </div>
    }
}
