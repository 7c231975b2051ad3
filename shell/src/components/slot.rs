//! One MFE slot: a section whose attributes mirror the slot's state, a container the loader
//! puts host elements in, and the fallback when the MFE failed.

use leptos::prelude::*;

use crate::components::fallback::Fallback;
use crate::slots::{SlotState, Slots};

/// The section for the slot called `name` (`#slot-main`, `#slot-secondary`).
#[component]
pub fn SlotSection(name: &'static str) -> impl IntoView {
    let slots = expect_context::<Slots>();
    let slot = name;
    let view = slots.view(slot);
    let failed = move || view.with(|v| v.state == SlotState::Failed);
    view! {
        <section
            id=format!("slot-{slot}")
            class="slot"
            data-slot=slot
            data-state=move || view.with(|v| v.state.as_str())
            data-mfe=move || view.with(|v| v.mfe.as_ref().map(|m| m.name.clone()))
            data-mfe-version=move || view.with(|v| v.mfe.as_ref().map(|m| m.version.clone()))
            data-mfe-build=move || view.with(|v| v.mfe.as_ref().map(|m| m.build.clone()))
            data-failures=move || view.with(|v| v.failures)
        >
            // Filled by the loader, never by Leptos: MFEs own what is inside their host.
            <div id=format!("slot-{slot}-hosts") class="mfe-hosts"></div>
            {move || failed().then(|| view! {
                <Fallback
                    error=move || view.with(|v| v.error.clone().unwrap_or_default())
                    on_retry=move || slots.retry.update(|n| *n += 1)
                />
            })}
        </section>
    }
}
