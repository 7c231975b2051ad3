//! The page layout: header, the shell's own pages, the MFE slots, footer and toasts; and the
//! effect that re-resolves the slots whenever the URL changes or the user retries.

use contracts::browser::listen;
use contracts::events::AuthRequired;
use contracts::manifest::{SLOT_MAIN, SLOT_SECONDARY};
use leptos::prelude::*;

use crate::components::{
    footer::Footer, header::Header, not_found::NotFound, slot::SlotSection, toasts::Toasts,
};
use crate::pages::login::LoginPage;
use crate::router::{navigate, provide_router};
use crate::slots::{self, Slots};

/// Paths the shell renders itself, with no MFE in the main slot.
fn is_shell_page(path: &str) -> bool {
    path == "/login"
}

/// The whole storefront.
#[component]
pub fn App() -> impl IntoView {
    let router = provide_router();
    let slots = Slots::provide();
    std::mem::forget(listen::<AuthRequired, _>(|event| {
        navigate(&format!(
            "/login?returnTo={}",
            String::from(js_sys::encode_uri_component(&event.return_to))
        ))
    }));
    Effect::new(move |_| {
        let path = router.location.get().path;
        slots.retry.track();
        let shell_page = is_shell_page(&path);
        leptos::task::spawn_local(slots::resolve(slots, path, shell_page));
    });
    let page = move || {
        let location = router.location.get();
        if is_shell_page(&location.path) {
            Some(view! { <LoginPage return_to=location.query("returnTo") /> }.into_any())
        } else if slots.view(SLOT_MAIN).get().not_found {
            Some(view! { <NotFound /> }.into_any())
        } else {
            None
        }
    };
    view! {
        <Header />
        <main class="page">
            {page}
            <SlotSection name=SLOT_MAIN />
            <SlotSection name=SLOT_SECONDARY />
        </main>
        <Footer />
        <Toasts />
    }
}
