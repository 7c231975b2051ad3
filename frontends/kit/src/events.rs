//! The `storefront:*` custom events on `window`, typed: [`emit`] and [`listen`] take the
//! payload types of `contracts::events`, so a name or payload shape is never spelled out by
//! hand.

use contracts::events::StorefrontEvent;
use gloo_events::EventListener;

use crate::decode::Decode;
use crate::encode::Encode;
use wasm_bindgen::JsCast;

/// Dispatches `event` on `window` as a `CustomEvent` named [`StorefrontEvent::NAME`].
pub fn emit<E: StorefrontEvent>(event: &E) {
    let Some(window) = web_sys::window() else { return };
    let Ok(detail) = event.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) else {
        return;
    };
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&detail);
    if let Ok(custom) = web_sys::CustomEvent::new_with_event_init_dict(E::NAME, &init) {
        let _ = window.dispatch_event(&custom);
    }
}

/// [`emit`] for the events MFEs send, built by hand ([`crate::encode`]) instead of by serde:
/// the same detail object, for less of every module's download.
pub fn emit_encoded<E: StorefrontEvent + Encode>(event: &E) {
    let Some(window) = web_sys::window() else { return };
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&event.encode());
    if let Ok(custom) = web_sys::CustomEvent::new_with_event_init_dict(E::NAME, &init) {
        let _ = window.dispatch_event(&custom);
    }
}

/// Calls `handler` with each `E` dispatched on `window` until the returned guard is dropped.
///
/// Events whose payload does not decode as `E` are ignored (and logged), so one buggy
/// emitter cannot break its listeners.
pub fn listen<E, F>(mut handler: F) -> EventListener
where
    E: StorefrontEvent + 'static,
    F: FnMut(E) + 'static,
{
    let window = web_sys::window().expect("a browser window");
    EventListener::new(&window, E::NAME, move |event| {
        let Some(custom) = event.dyn_ref::<web_sys::CustomEvent>() else {
            return;
        };
        match serde_wasm_bindgen::from_value::<E>(custom.detail()) {
            Ok(payload) => handler(payload),
            Err(err) => {
                web_sys::console::warn_2(&format!("ignoring malformed {}", E::NAME).into(), &err.into())
            }
        }
    })
}

/// [`listen`] for the events MFEs follow, read by hand ([`crate::decode`]) instead of by
/// serde: the same payloads, for less of every module's download.
pub fn listen_decoded<E, F>(mut handler: F) -> EventListener
where
    E: StorefrontEvent + Decode + 'static,
    F: FnMut(E) + 'static,
{
    let window = web_sys::window().expect("a browser window");
    EventListener::new(&window, E::NAME, move |event| {
        let Some(custom) = event.dyn_ref::<web_sys::CustomEvent>() else {
            return;
        };
        match E::decode(custom.detail()) {
            Ok(payload) => handler(payload),
            Err(err) => {
                web_sys::console::warn_2(&format!("ignoring malformed {}", E::NAME).into(), &err.into())
            }
        }
    })
}

/// Keeps `listener` (from [`listen`], [`crate::location::on_location_change`], …) until the
/// current Leptos owner is cleaned up — for an MFE, until `unmount()` — so no listener
/// outlives its view.
///
/// Leptos cleanups must be `Send`, and a DOM listener is not: it is parked in a local
/// `StoredValue` that the cleanup empties.
pub fn keep_until_cleanup(listener: EventListener) {
    use leptos::prelude::{on_cleanup, StoredValue, UpdateValue};
    let stored = StoredValue::new_local(Some(listener));
    on_cleanup(move || stored.update_value(|l| drop(l.take())));
}
