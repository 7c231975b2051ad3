//! The page layout: header, the shell's own pages, the MFE slots, footer and toasts; and the
//! effect that re-resolves the slots whenever the URL changes or the user retries.

use contracts::events::AuthRequired;
use contracts::manifest::SLOT_MAIN;
use leptos::either::Either;
use leptos::prelude::*;
use web_kit::events::listen_decoded;

use crate::auth::provide_auth;
use crate::components::{
    footer::Footer, header::Header, not_found::NotFound, slot::SlotSection, toasts::Toasts,
};
use crate::pages::auth_form::{AuthForm, Mode};
use crate::pages::is_shell_page;
use crate::pages::return_to::auth_page_href;
use crate::router::{navigate, provide_router};
use crate::slots::{self, Slots};

/// The whole storefront.
#[component]
pub fn App() -> impl IntoView {
    let router = provide_router();
    let slots = Slots::provide();
    let auth = provide_auth();
    crate::cart::start(auth);
    crate::live::start(auth);
    slots::contain_crashes(slots);
    // After a navigation the new page takes focus once the main slot has settled.
    crate::router::focus::follow_main_slot(slots.view(SLOT_MAIN));
    crate::devtools::serve(slots);
    crate::prefetch::start();
    // The page lives as long as the shell: keep the listener with it.
    std::mem::forget(listen_decoded::<AuthRequired, _>(|event| {
        navigate(&auth_page_href("/login", &event.return_to))
    }));
    Effect::new(move |_| {
        // Mount only once the session is restored, so each MFE gets the right user.
        if !auth.ready.get() {
            return;
        }
        let path = router.location.get().path;
        slots.retry.track();
        let shell_page = is_shell_page(&path);
        let user = auth.user.get_untracked();
        leptos::task::spawn_local(async move {
            slots::resolve(slots, path, shell_page, user).await;
            crate::prefetch::when_idle();
        });
    });
    let page = move || {
        let mode = router.location.with(|l| match l.path.as_str() {
            "/login" => Some(Mode::SignIn),
            "/register" => Some(Mode::Register),
            _ => None,
        });
        match mode {
            Some(mode) => Some(Either::Left(view! { <AuthForm mode /> })),
            None => slots
                .view(SLOT_MAIN)
                .get()
                .not_found
                .then(|| Either::Right(view! { <NotFound /> })),
        }
    };
    view! {
        <Header />
        <main class="page">
            {page}
            {slots::SLOTS.map(|name| view! { <SlotSection name /> })}
        </main>
        <Footer />
        <Toasts />
    }
}
