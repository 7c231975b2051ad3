//! `/account`: who you are on Mercado.

use leptos::prelude::*;
use web_kit::fetch::FetchError;
use web_kit::location::request_sign_in;

use crate::api::Api;

/// The profile card, loaded from identity.
///
/// Read into a signal by one task rather than through a `LocalResource` under `<Suspense>`:
/// the page reads once and shows the same fallback until the answer, and the async-derived
/// and suspense machinery cost the account's download several KB (decision 0001).
#[component]
pub fn ProfilePage(api: Api) -> impl IntoView {
    let profile = RwSignal::new(None);
    leptos::task::spawn_local(async move {
        let read = api.me().await;
        profile.try_set(Some(read));
    });
    let body = move || match profile.get() {
        None => view! { <p class="account-note">"Loading your profile…"</p> }.into_any(),
        Some(Ok(user)) => view! {
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
        Some(Err(error)) => {
            if error.status() == Some(401) {
                request_sign_in();
            }
            view! { <ProfileError error=error /> }.into_any()
        }
    };
    view! {
        <section class="account-card">
            <h1>"Your account"</h1>
            {body}
        </section>
    }
}

#[component]
fn ProfileError(error: FetchError) -> impl IntoView {
    view! { <p class="account-error" role="alert">{error.user_message()}</p> }
}
