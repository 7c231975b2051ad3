//! The shell owns the URL: it intercepts same-origin link clicks and `storefront:navigate`,
//! tells everyone with a synthetic `popstate` carrying the new location (MFEs follow the URL
//! by listening to `popstate`; the browser fires it itself on back/forward), and writes the
//! browser history entry once the new page is shown. Then the new page takes focus
//! ([`focus`]).
//!
//! Why not at once: writing history (`pushState`) makes Chromium commit a same-document
//! navigation, 10–18 ms of the browser's CPU on our 2-core machines, and done before the MFE's
//! request it slowed every page switch by about a third (docs/decisions/0001). So, as
//! single-page routers do, the address bar changes when the page does: when the MFE says
//! its page is on screen (`storefront:page-shown`), before another MFE is mounted or a shell
//! page shown ([`write_history`]), and at the latest [`WRITE_HISTORY_AFTER`] later.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use contracts::events::{Navigate, PageShown};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_kit::events::listen_decoded;
use web_kit::location::location_of;

pub mod focus;

/// When an MFE does not say its page is shown, its history entry is written this long after
/// the navigation.
const WRITE_HISTORY_AFTER: Duration = Duration::from_millis(300);

thread_local! {
    /// Locations announced whose history entries are not written yet, oldest first.
    static UNWRITTEN: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// The pending [`WRITE_HISTORY_AFTER`] timer, cleared once history is written (so no
    /// timer outlives a navigation for nothing).
    static FALLBACK: Cell<Option<i32>> = const { Cell::new(None) };
}

/// The current path and query string (`?` included when present).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// e.g. `/search`.
    pub path: String,
    /// e.g. `?q=mug`, or empty.
    pub search: String,
}

impl Location {
    fn from_address_bar() -> Self {
        let location = web_sys::window().map(|w| w.location());
        let read = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
            location.as_ref().and_then(|l| f(l).ok()).unwrap_or_default()
        };
        Location {
            path: read(web_sys::Location::pathname),
            search: read(web_sys::Location::search),
        }
    }

    /// A query parameter's decoded value.
    pub fn query(&self, key: &str) -> Option<String> {
        web_sys::UrlSearchParams::new_with_str(&self.search)
            .ok()?
            .get(key)
    }

    /// Path plus query, as a link target.
    pub fn href(&self) -> String {
        format!("{}{}", self.path, self.search)
    }
}

/// The location signal, provided to every component.
#[derive(Clone, Copy)]
pub struct Router {
    /// Where the browser is now.
    pub location: ReadSignal<Location>,
}

/// Installs history handling for the app's lifetime and provides [`Router`] as context.
pub fn provide_router() -> Router {
    let (location, set_location) = signal(Location::from_address_bar());
    let window = web_sys::window().expect("a browser window");
    let document = window.document().expect("a document");
    // These listeners live as long as the page: the shell is never unmounted.
    gloo_events::EventListener::new(&window, "popstate", move |event| {
        let (path, search) = location_of(event);
        if !is_announcement(event) {
            // Back or forward: the browser moved, so navigations not yet written are void.
            UNWRITTEN.with_borrow_mut(Vec::clear);
            location.with_untracked(|from| focus::expect_new_page(&from.path, &path));
        }
        set_location.set(Location { path, search })
    })
    .forget();
    // Not passive (gloo's default): the handler must be able to preventDefault the click.
    let active = gloo_events::EventListenerOptions::enable_prevent_default();
    gloo_events::EventListener::new_with_options(&document, "click", active, intercept_link_click).forget();
    std::mem::forget(listen_decoded::<Navigate, _>(|event| navigate(&event.to)));
    std::mem::forget(listen_decoded::<PageShown, _>(|_| after_next_frame(page_shown)));
    let router = Router { location };
    provide_context(router);
    router
}

/// The router from context.
pub fn use_router() -> Router {
    expect_context::<Router>()
}

/// Navigates to a same-origin `to` (path with optional query) without reloading: announces
/// it at once, writes its history entry once the page is shown (see the module docs).
pub fn navigate(to: &str) {
    let Some(window) = web_sys::window() else { return };
    let from = latest_href();
    focus::expect_new_page(path_of(&from), path_of(to));
    if from != to {
        UNWRITTEN.with_borrow_mut(|unwritten| unwritten.push(to.to_string()));
        window.scroll_to_with_x_and_y(0.0, 0.0);
        if FALLBACK.get().is_none() {
            FALLBACK.set(after(WRITE_HISTORY_AFTER, write_history));
        }
    }
    // Announced even when already there: a click on the current page's link re-shows it.
    let init = web_sys::PopStateEventInit::new();
    init.set_state(&wasm_bindgen::JsValue::from_str(to));
    if let Ok(event) = web_sys::PopStateEvent::new_with_event_init_dict("popstate", &init) {
        let _ = window.dispatch_event(&event);
    }
}

/// Writes the history entries of the navigations announced so far, in order. Called before
/// the page changes hands (an MFE mounted or unmounted, a shell page shown), so whatever
/// reads the address bar from then on reads the new location.
pub fn write_history() {
    let hrefs = UNWRITTEN.with_borrow_mut(std::mem::take);
    let Some(window) = web_sys::window() else { return };
    if let Some(timer) = FALLBACK.take() {
        window.clear_timeout_with_handle(timer);
    }
    let Ok(history) = window.history() else { return };
    for href in hrefs {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
    }
}

/// An MFE says its page is on screen: its address goes into history, and it takes focus.
fn page_shown() {
    write_history();
    focus::settle();
}

/// The path of a path-and-query `href`.
fn path_of(href: &str) -> &str {
    href.split(['?', '#']).next().unwrap_or(href)
}

/// Where the page is going: the last navigation announced, else the address bar.
fn latest_href() -> String {
    UNWRITTEN
        .with_borrow(|unwritten| unwritten.last().cloned())
        .unwrap_or_else(|| Location::from_address_bar().href())
}

/// Whether `event` is the shell's own `popstate` (it carries the location as its state).
fn is_announcement(event: &web_sys::Event) -> bool {
    event
        .dyn_ref::<web_sys::PopStateEvent>()
        .is_some_and(|e| e.state().is_string())
}

/// Runs `f` once, `delay` from now; returns the timer's handle.
fn after(delay: Duration, f: fn()) -> Option<i32> {
    let window = web_sys::window()?;
    let callback = Closure::once_into_js(f);
    window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            callback.unchecked_ref(),
            delay.as_millis() as i32,
        )
        .ok()
}

/// Runs `f` just after the next frame is drawn, so the browser's work for it does not hold
/// back the frame that shows the new page.
fn after_next_frame(f: fn()) {
    let Some(window) = web_sys::window() else { return };
    let callback = Closure::once_into_js(move || _ = after(Duration::ZERO, f));
    let _ = window.request_animation_frame(callback.unchecked_ref());
}

fn intercept_link_click(event: &web_sys::Event) {
    let Some(click) = event.dyn_ref::<web_sys::MouseEvent>() else {
        return;
    };
    if click.default_prevented()
        || click.button() != 0
        || click.ctrl_key()
        || click.meta_key()
        || click.shift_key()
        || click.alt_key()
    {
        return;
    }
    let anchor = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("a[href]").ok().flatten())
        .and_then(|el| el.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    let Some(anchor) = anchor else { return };
    let same_origin = web_sys::window().and_then(|w| w.location().origin().ok()) == Some(anchor.origin());
    // API and asset links (an OpenAPI document, a download) are real page loads.
    let path = anchor.pathname();
    let routed = !path.starts_with("/api/") && !path.starts_with("/mfe/");
    if !same_origin || !routed || !anchor.target().is_empty() || anchor.has_attribute("download") {
        return;
    }
    event.prevent_default();
    navigate(&format!("{path}{}", anchor.search()));
}
