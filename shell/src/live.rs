//! Live updates: while someone is signed in, the shell follows the gateway's `/api/events`
//! stream and re-dispatches each event as the storefront event it is named after, so any
//! mounted MFE hears `storefront:order-updated` without a connection of its own (and without
//! ever seeing the token the stream needs).

use std::cell::RefCell;
use std::rc::Rc;

use contracts::events::{OrderUpdated, StorefrontEvent};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_kit::decode::from_json_text;
use web_kit::events::emit_encoded;

use crate::auth::{follow_events, Auth};

/// The gateway's event stream.
const EVENTS_URL: &str = "/api/events";

/// Follows the stream for as long as a user is signed in; a new user gets a new stream.
pub fn start(auth: Auth) {
    let on_event = Closure::<dyn Fn(String, String)>::new(redispatch);
    let stop: Rc<RefCell<Option<js_sys::Function>>> = Rc::default();
    Effect::new(move |_| {
        let user_id = auth.user.with(|user| user.as_ref().map(|u| u.id.clone()));
        if let Some(stop) = stop.borrow_mut().take() {
            let _ = stop.call0(&JsValue::NULL);
        }
        if user_id.is_some() {
            *stop.borrow_mut() = Some(follow_events(EVENTS_URL, &on_event));
        }
    });
}

/// Turns one server-sent event into the storefront event of the same name; names the shell
/// does not know are ignored (a newer gateway may send more).
fn redispatch(name: String, data: String) {
    if name == OrderUpdated::NAME {
        match from_json_text::<OrderUpdated>(&data) {
            Ok(update) => emit_encoded(&update),
            Err(error) => web_sys::console::warn_1(&format!("unreadable order update: {error}").into()),
        }
    }
}
