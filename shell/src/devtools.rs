//! The devtools panel's Rust side: starts `devtools.js` (`?devtools`, Alt+Shift+D) and carries
//! out its slot buttons. The panel itself is JS: it only reads what the page shows, and as JS
//! it adds nothing to the shell's wasm.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::slots::{self, SlotView, Slots};

/// Starts the devtools panel (`devtools.js`) and carries out its slot buttons: "unmount"
/// empties a slot, "remount" replaces its MFE with a fresh instance of the same build.
pub fn serve(slots: Slots) {
    start_devtools();
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = gloo_events::EventListener::new(&window, DEVTOOLS_SLOT_ACTION, move |event| {
        let detail = event
            .dyn_ref::<web_sys::CustomEvent>()
            .map(|e| e.detail())
            .unwrap_or_default();
        let field = |name: &str| {
            js_sys::Reflect::get(&detail, &name.into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        let (slot_name, action) = (field("slot"), field("action"));
        let Some(slot) = slots::SLOTS.into_iter().find(|s| *s == slot_name) else {
            return;
        };
        let view = slots.view(slot);
        slots::clear_slot(slot);
        let failures = view.with_untracked(|v| v.failures);
        view.set(SlotView {
            failures,
            ..SlotView::default()
        });
        if action == "remount" {
            slots.retry.update(|n| *n += 1);
        }
    });
    // The page lives as long as the shell: keep the listener with it.
    std::mem::forget(listener);
}

#[wasm_bindgen(module = "/src/devtools.js")]
extern "C" {
    #[wasm_bindgen(js_name = startDevtools)]
    fn start_devtools();
}

// Cargo does not see the snippet as an input: without this, a change to it alone keeps the
// old copy embedded in the wasm.
const _: &str = include_str!("devtools.js");

/// The event `devtools.js` sends for its slot buttons (`SLOT_ACTION_EVENT` there: keep equal).
const DEVTOOLS_SLOT_ACTION: &str = "mercado-devtools:slot";
