//! The sign-in and registration form: one component for both pages (`/login`, `/register`),
//! so the shell ships one form, not two near-copies. Fields check as the user types (after
//! leaving them once, or after a submit attempt); the server's verdict on a field shows next
//! to it until the field is edited.

use contracts::identity::{RegisterRequest, SignInRequest};
use leptos::prelude::*;
use web_sys::SubmitEvent;

use crate::auth::{self, rules, FormError};
use crate::components::field::Field;
use crate::pages::return_to::{auth_page_href, safe_return};
use crate::pages::use_leave_when_signed_in;
use crate::router::use_router;

/// Which form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `/login`.
    SignIn,
    /// `/register`.
    Register,
}

/// The words that differ between the two forms.
struct Texts {
    test_id: &'static str,
    title: &'static str,
    button: &'static str,
    working: &'static str,
    switch_question: &'static str,
    switch_link: &'static str,
    switch_page: &'static str,
}

impl Mode {
    fn texts(self) -> Texts {
        match self {
            Mode::SignIn => Texts {
                test_id: "login",
                title: "Sign in",
                button: "Sign in",
                working: "Signing in…",
                switch_question: "New to Mercado? ",
                switch_link: "Create an account",
                switch_page: "/register",
            },
            Mode::Register => Texts {
                test_id: "register",
                title: "Create your account",
                button: "Create account",
                working: "Creating account…",
                switch_question: "Already have an account? ",
                switch_link: "Sign in",
                switch_page: "/login",
            },
        }
    }
}

/// The form's values.
#[derive(Clone, Copy)]
struct Values {
    name: RwSignal<String>,
    email: RwSignal<String>,
    password: RwSignal<String>,
}

/// The client-side rule for `field` in `mode`.
fn rule(mode: Mode, field: &str, values: Values) -> Option<String> {
    match field {
        "name" => values.name.with(|n| rules::name(n)),
        "email" => values.email.with(|e| rules::email_complete(e)).map(String::from),
        _ if mode == Mode::Register => values.password.with(|p| rules::new_password(p)),
        _ => values
            .password
            .with(|p| p.is_empty().then(|| "Enter your password.".to_string())),
    }
}

/// The sign-in or registration page.
#[component]
pub fn AuthForm(mode: Mode) -> impl IntoView {
    // The page is drawn anew whenever the URL changes, so reading it once is enough.
    let return_to = safe_return(use_router().location.with_untracked(|l| l.query("returnTo")));
    use_leave_when_signed_in(return_to.clone());
    let values = Values {
        name: RwSignal::new(String::new()),
        email: RwSignal::new(String::new()),
        password: RwSignal::new(String::new()),
    };
    let server = RwSignal::new(FormError::default());
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    // Editing any field retires the server's verdict on the old values (input events bubble
    // up to the form).
    let on_input = move |_| {
        if server.with_untracked(|s| *s != FormError::default()) {
            server.set(FormError::default());
        }
    };
    let fields: &[&'static str] = match mode {
        Mode::SignIn => &["email", "password"],
        Mode::Register => &["name", "email", "password"],
    };
    let error_of = move |field: &'static str| {
        Memo::new(move |_| {
            server
                .with(|s| s.field(field))
                .or_else(|| rule(mode, field, values))
        })
    };
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        let invalid = fields.iter().any(|f| rule(mode, f, values).is_some());
        if busy.get_untracked() || invalid {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            if let Err(error) = submit(mode, values).await {
                server.set(error);
            }
            busy.set(false);
        });
    };
    let texts = mode.texts();
    let field = move |field: &'static str| {
        let (label, kind, autocomplete, value) = match field {
            "name" => ("Name", "text", "name", values.name),
            "email" => ("Email", "email", "email", values.email),
            _ if mode == Mode::Register => ("Password", "password", "new-password", values.password),
            _ => ("Password", "password", "current-password", values.password),
        };
        view! { <Field label name=field kind autocomplete value error=error_of(field) force=submitted /> }
    };
    view! {
        <section class="shell-page auth-page" data-testid=texts.test_id>
            <h1>{texts.title}</h1>
            <form on:submit=on_submit on:input=on_input novalidate>
                {(mode == Mode::Register).then(|| field("name"))}
                {field("email")}
                {field("password")}
                <p class="form-error" role="alert" data-testid="form-error">{move || server.with(|s| s.message.clone())}</p>
                <button class="button" type="submit" disabled=busy>{move || if busy.get() { texts.working } else { texts.button }}</button>
            </form>
            <p class="auth-switch">
                {texts.switch_question}
                <a href=auth_page_href(texts.switch_page, &return_to)>{texts.switch_link}</a>
            </p>
        </section>
    }
}

async fn submit(mode: Mode, values: Values) -> Result<(), FormError> {
    let email = values.email.get_untracked();
    let password = values.password.get_untracked();
    match mode {
        Mode::SignIn => auth::sign_in(&SignInRequest { email, password }).await,
        Mode::Register => {
            let name = values.name.get_untracked();
            auth::register(&RegisterRequest {
                name,
                email,
                password,
            })
            .await
        }
    }
}
