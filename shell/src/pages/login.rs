//! `/login`: sign in with email and password, then go back to `returnTo`.

use contracts::identity::SignInRequest;
use leptos::prelude::*;
use web_sys::SubmitEvent;

use crate::auth::{self, rules, FormError};
use crate::components::field::Field;
use crate::pages::return_to::{auth_page_href, safe_return};
use crate::pages::use_leave_when_signed_in;
use crate::router::use_router;

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let router = use_router();
    let return_to = Memo::new(move |_| safe_return(router.location.get().query("returnTo")));
    use_leave_when_signed_in(return_to);
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let server = RwSignal::new(FormError::default());
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    // Editing a field retires the server's verdict on the old values.
    Effect::new(move |_| {
        email.track();
        password.track();
        server.set(FormError::default());
    });
    let email_error = Signal::derive(move || {
        server
            .with(|s| s.field("email"))
            .or_else(|| email.with(|e| rules::email_complete(e)).map(String::from))
    });
    let password_error = Signal::derive(move || {
        server
            .with(|s| s.field("password"))
            .or_else(|| password.with(|p| p.is_empty().then(|| "Enter your password.".to_string())))
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        if busy.get_untracked()
            || email_error.get_untracked().is_some()
            || password_error.get_untracked().is_some()
        {
            return;
        }
        busy.set(true);
        let request = SignInRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            if let Err(error) = auth::sign_in(&request).await {
                server.set(error);
            }
            busy.set(false);
        });
    };
    view! {
        <section class="shell-page auth-page" data-testid="login">
            <h1>"Sign in"</h1>
            <form on:submit=on_submit novalidate>
                <Field label="Email" name="email" kind="email" autocomplete="email" value=email error=email_error force=submitted.into() />
                <Field label="Password" name="password" kind="password" autocomplete="current-password" value=password error=password_error force=submitted.into() />
                <p class="form-error" role="alert" data-testid="form-error">{move || server.with(|s| s.message.clone())}</p>
                <button class="button" type="submit" disabled=busy>{move || if busy.get() { "Signing in…" } else { "Sign in" }}</button>
            </form>
            <p class="auth-switch">
                "New to Mercado? "
                <a href=move || auth_page_href("/register", &return_to.get())>"Create an account"</a>
            </p>
        </section>
    }
}
