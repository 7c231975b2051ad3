//! `/login`: the sign-in page. Accounts arrive with the identity service; until then the page
//! says so plainly instead of pretending.

use leptos::prelude::*;

/// The sign-in page; `return_to` is where the shopper came from.
#[component]
pub fn LoginPage(return_to: Option<String>) -> impl IntoView {
    let back = return_to
        .filter(|r| r.starts_with('/') && !r.starts_with("//"))
        .unwrap_or_else(|| "/".into());
    view! {
        <section class="shell-page" data-testid="login">
            <h1>"Sign in"</h1>
            <p>"Accounts are coming soon: signing in arrives with Mercado's identity service."</p>
            <p>"Until then you can browse and search the whole catalog."</p>
            <a class="button" href=back>"Continue shopping"</a>
        </section>
    }
}
