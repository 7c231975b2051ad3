//! The page's location, which MFEs route on: read it, follow it as it changes, and ask the
//! shell for a sign-in that comes back to it.
//!
//! The URL belongs to the shell: MFEs never write history, they only follow `popstate`
//! (see `docs/decisions/0001-mfe-runtime.md`).

use contracts::events::AuthRequired;
use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};

use crate::events::emit_encoded;

/// The page's path and query string now (`("/search", "?q=mug")`), which MFEs route on.
pub fn current_location() -> (String, String) {
    let location = web_sys::window().map(|w| w.location());
    let read = |f: fn(&web_sys::Location) -> Result<String, JsValue>| {
        location.as_ref().and_then(|l| f(l).ok()).unwrap_or_default()
    };
    (read(web_sys::Location::pathname), read(web_sys::Location::search))
}

/// Calls `handler` with the new location whenever the URL changes (the shell and the browser
/// both announce it with `popstate`), until the returned guard is dropped.
pub fn on_location_change(mut handler: impl FnMut((String, String)) + 'static) -> EventListener {
    let window = web_sys::window().expect("a browser window");
    EventListener::new(&window, "popstate", move |event| handler(location_of(event)))
}

/// The location a `popstate` announces. The shell's own carry the new path and query as their
/// state, because it writes the history entry only once the page is shown
/// (`contracts::events::PageShown`); the browser's (back, forward) are read from the address bar.
pub fn location_of(event: &web_sys::Event) -> (String, String) {
    let announced = event
        .dyn_ref::<web_sys::PopStateEvent>()
        .and_then(|e| e.state().as_string());
    match announced {
        Some(href) => split_href(&href),
        None => current_location(),
    }
}

/// Asks the shell to sign the shopper in and bring them back to where they are now
/// (`storefront:auth-required` with the current path and query).
pub fn request_sign_in() {
    let (path, search) = current_location();
    emit_encoded(&AuthRequired {
        return_to: format!("{path}{search}"),
    });
}

/// `/search?q=mug#top` → `("/search", "?q=mug")`.
fn split_href(href: &str) -> (String, String) {
    let href = href.split_once('#').map_or(href, |(before, _)| before);
    match href.split_once('?') {
        Some((path, query)) => (path.to_string(), format!("?{query}")),
        None => (href.to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::split_href;

    #[test]
    fn an_href_splits_into_path_and_query_without_the_fragment() {
        assert_eq!(
            split_href("/search?q=mug#top"),
            ("/search".into(), "?q=mug".into())
        );
        assert_eq!(split_href("/products/3"), ("/products/3".into(), String::new()));
        assert_eq!(split_href("/cart#lines"), ("/cart".into(), String::new()));
        assert_eq!(split_href("/?a=1&b=2"), ("/".into(), "?a=1&b=2".into()));
    }
}
