//! `/account`: who you are on Mercado.

use leptos::prelude::*;
use web_kit::fetch::FetchError;
use web_kit::location::request_sign_in;

use crate::api::Api;

/// The profile card, loaded from identity.
#[component]
pub fn ProfilePage(api: Api) -> impl IntoView {
    let profile = LocalResource::new(move || api.me());
    let body = move || {
        profile.get().map(|result| match result {
            Ok(user) => view! {
                <dl class="profile" data-testid="profile">
                    <dt>"Name"</dt>
                    <dd data-testid="profile-name">{user.name}</dd>
                    <dt>"Email"</dt>
                    <dd data-testid="profile-email">{user.email}</dd>
                    <dt>"Member since"</dt>
                    <dd>{user.member_since.get(..10).unwrap_or_default().to_string()}</dd>
                </dl>
            }
            .into_any(),
            Err(error) => {
                if error.status() == Some(401) {
                    request_sign_in();
                }
                view! { <ProfileError error=error /> }.into_any()
            }
        })
    };
    view! {
        <section class="account-card">
            <h1>"Your account"</h1>
            <Suspense fallback=|| view! { <p class="account-note">"Loading your profile…"</p> }>{body}</Suspense>
        </section>
    }
}

#[component]
fn ProfileError(error: FetchError) -> impl IntoView {
    view! { <p class="account-error" role="alert">{error.user_message()}</p> }
}
