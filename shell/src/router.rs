//! The shell owns the URL: it intercepts same-origin link clicks and `storefront:navigate`,
//! pushes history, and tells everyone with a synthetic `popstate` (MFEs follow the URL by
//! listening to `popstate`; the browser fires it itself on back/forward).

use contracts::browser::listen;
use contracts::events::Navigate;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The current path and query string (`?` included when present).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// e.g. `/search`.
    pub path: String,
    /// e.g. `?q=mug`, or empty.
    pub search: String,
}

impl Location {
    fn current() -> Self {
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
    let (location, set_location) = signal(Location::current());
    let window = web_sys::window().expect("a browser window");
    let document = window.document().expect("a document");
    // These listeners live as long as the page: the shell is never unmounted.
    gloo_events::EventListener::new(&window, "popstate", move |_| {
        set_location.set(Location::current())
    })
    .forget();
    // Not passive (gloo's default): the handler must be able to preventDefault the click.
    let active = gloo_events::EventListenerOptions::enable_prevent_default();
    gloo_events::EventListener::new_with_options(&document, "click", active, intercept_link_click).forget();
    std::mem::forget(listen::<Navigate, _>(|event| navigate(&event.to)));
    let router = Router { location };
    provide_context(router);
    router
}

/// The router from context.
pub fn use_router() -> Router {
    expect_context::<Router>()
}

/// Navigates to a same-origin `to` (path with optional query) without reloading.
pub fn navigate(to: &str) {
    let Some(window) = web_sys::window() else { return };
    let Ok(history) = window.history() else { return };
    if Location::current().href() != to {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(to));
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
    if let Ok(event) = web_sys::PopStateEvent::new("popstate") {
        let _ = window.dispatch_event(&event);
    }
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
