//! Focus after navigation: once the new page is on screen, focus moves to its main heading
//! (the first `<h1>` in `<main>`), which is where a page load would leave a screen reader
//! and where a keyboard user's next Tab should start.
//!
//! Without this, a route change left focus on the header link that was followed (the next
//! Tab went through the header and every category again), on a control redrawn in place
//! with another meaning (the sign-in form's "Create an account" became the register form's
//! "Sign in"), or on `<body>` when the focused element was replaced (a product card, the
//! cart's "Checkout", the sign-in button), so the next Tab started from the top of the page.
//!
//! Focus is moved only from where the navigation left it: from the control that led here if
//! that still has it and sits outside `<main>` or the path changed (a sort menu keeps its
//! focus while it re-sorts the list), or from nowhere (`<body>`, a removed element). If the
//! shopper moved it meanwhile, it stays. The new page is on screen when the main slot has
//! settled (an MFE mounted, a shell page or a fallback shown) and when an MFE says so
//! (`storefront:page-shown`, after its data came); a page whose heading is not drawn at the
//! first gets `<main>` meanwhile and its heading at the second. MFEs therefore give each page
//! one `<h1>`; the shell makes it focusable (`tabindex="-1"`, so it stays out of the tab
//! order).

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::slots::{SlotState, SlotView};

/// A navigation whose page has not taken focus yet.
struct Pending {
    /// What had focus when the navigation began.
    origin: Option<web_sys::Element>,
    /// Whether to take focus from `origin` if it still has it.
    leave_origin: bool,
}

thread_local! {
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
}

/// Notes that the page changes from `from_path` to `to_path`, so the new page should take
/// focus once it is shown.
pub(super) fn expect_new_page(from_path: &str, to_path: &str) {
    let Some(document) = document() else { return };
    let origin = document.active_element();
    let in_main = origin
        .as_ref()
        .and_then(|o| o.closest("main").ok().flatten())
        .is_some();
    let leave_origin = from_path != to_path || !in_main;
    PENDING.set(Some(Pending { origin, leave_origin }));
}

/// Moves focus to the new page's heading once the main slot has settled after a navigation.
pub fn follow_main_slot(main: RwSignal<SlotView>) {
    Effect::new(move |_| {
        let settled = main.with(|v| v.state) != SlotState::Loading;
        if settled && PENDING.with_borrow(Option::is_some) {
            // After the frame: the slot's and the shell page's views are drawn by then.
            super::after_next_frame(settle);
        }
    });
}

/// Gives focus to the new page, if a navigation is waiting for it and focus is still where
/// the navigation left it: its heading, else `<main>` until the heading is drawn.
pub(super) fn settle() {
    let Some(pending) = PENDING.take() else { return };
    let Some(document) = document() else { return };
    let Some(main) = document
        .query_selector("main")
        .ok()
        .flatten()
        .and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let body: Option<web_sys::Element> = document.body().map(Into::into);
    let ours = match document.active_element() {
        None => true,
        Some(active) => {
            !active.is_connected()
                || body.as_ref() == Some(&active)
                || AsRef::<web_sys::Element>::as_ref(&main) == &active
                || (pending.leave_origin && pending.origin.as_ref() == Some(&active))
        }
    };
    if !ours {
        return;
    }
    let heading = main
        .query_selector("h1")
        .ok()
        .flatten()
        .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok());
    match heading {
        Some(heading) => focus_in_place(&heading),
        None => {
            focus_in_place(&main);
            PENDING.set(Some(pending));
        }
    }
}

/// Focuses `element` (made focusable by script only, if it is not) without scrolling: the
/// router has scrolled to the top, or the browser restored the scroll position on back.
fn focus_in_place(element: &web_sys::HtmlElement) {
    if !element.has_attribute("tabindex") {
        let _ = element.set_attribute("tabindex", "-1");
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"preventScroll".into(), &JsValue::TRUE);
    let focus = js_sys::Reflect::get(element, &"focus".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match focus {
        Some(focus) => _ = focus.call1(element, &options),
        None => _ = element.focus(),
    }
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}
