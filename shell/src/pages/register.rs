//! `/register`: create an account (which signs in), then go back to `returnTo`.

use contracts::identity::RegisterRequest;
use leptos::prelude::*;
use web_sys::SubmitEvent;

use crate::auth::{self, rules, FormError};
use crate::components::field::Field;
use crate::pages::return_to::{auth_page_href, safe_return};
use crate::pages::use_leave_when_signed_in;
use crate::router::use_router;

/// The registration page.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let router = use_router();
    let return_to = Memo::new(move |_| safe_return(router.location.get().query("returnTo")));
    use_leave_when_signed_in(return_to);
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let server = RwSignal::new(FormError::default());
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        name.track();
        email.track();
        password.track();
        server.set(FormError::default());
    });
    let name_error = Signal::derive(move || {
        server
            .with(|s| s.field("name"))
            .or_else(|| name.with(|n| rules::name(n)))
    });
    let email_error = Signal::derive(move || {
        server
            .with(|s| s.field("email"))
            .or_else(|| email.with(|e| rules::email_complete(e)).map(String::from))
    });
    let password_error = Signal::derive(move || {
        server
            .with(|s| s.field("password"))
            .or_else(|| password.with(|p| rules::new_password(p)))
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        let invalid = [name_error, email_error, password_error]
            .iter()
            .any(|e| e.get_untracked().is_some());
        if busy.get_untracked() || invalid {
            return;
        }
        busy.set(true);
        let request = RegisterRequest {
            name: name.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            if let Err(error) = auth::register(&request).await {
                server.set(error);
            }
            busy.set(false);
        });
    };
    view! {
        <section class="shell-page auth-page" data-testid="register">
            <h1>"Create your account"</h1>
            <form on:submit=on_submit novalidate>
                <Field label="Name" name="name" autocomplete="name" value=name error=name_error force=submitted.into() />
                <Field label="Email" name="email" kind="email" autocomplete="email" value=email error=email_error force=submitted.into() />
                <Field label="Password" name="password" kind="password" autocomplete="new-password" value=password error=password_error force=submitted.into() />
                <p class="form-error" role="alert" data-testid="form-error">{move || server.with(|s| s.message.clone())}</p>
                <button class="button" type="submit" disabled=busy>{move || if busy.get() { "Creating account…" } else { "Create account" }}</button>
            </form>
            <p class="auth-switch">
                "Already have an account? "
                <a href=move || auth_page_href("/login", &return_to.get())>"Sign in"</a>
            </p>
        </section>
    }
}
