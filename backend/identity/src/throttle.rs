//! Fair sign-in throttling (docs/decisions/0013): failed sign-ins are counted per account and
//! per client address, registrations per address, in identity's own database, so the limits
//! hold across every identity and gateway replica.
//!
//! A sign-in is counted *before* its password is checked and forgotten only when it succeeds.
//! Counting after the check would let a burst of simultaneous guesses all pass a count that
//! none of them has added to yet; counted first (inside the database's write turn), a guess in
//! flight already uses its place. Failures are never forgiven by someone else's success, so a
//! shopper signing in does not reopen the address to a guesser next to them.

use std::time::Duration;

use kit::ratelimit::RateLimited;

use crate::attempts::{self, By, Kind};
use crate::domain::address::ClientAddress;
use crate::domain::credentials::Email;
use crate::domain::throttle::Window;
use crate::error::IdentityError;
use crate::state::AppState;

/// How often every replica forgets attempts older than every window (each sweep is one
/// `DELETE`; running it on every replica is harmless).
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// A sign-in admitted and counted as a failure until [`SignInAttempt::succeeded`] says it was
/// the owner.
#[must_use = "a successful sign-in must be forgiven, or it counts as a failure"]
pub struct SignInAttempt {
    id: String,
}

impl SignInAttempt {
    /// The password was right: this attempt no longer counts, against the account or the
    /// address. Other attempts stay counted.
    pub async fn succeeded(self, state: &AppState) -> Result<(), IdentityError> {
        attempts::delete(&state.db, &self.id).await?;
        Ok(())
    }
}

/// Admits a sign-in for `email` from `address` and counts it, or refuses it with the wait,
/// without checking the password: the answer is the same whether the account exists or not.
#[tracing::instrument(skip_all)]
pub async fn admit_sign_in(
    state: &AppState,
    email: &Email,
    address: &ClientAddress,
) -> Result<SignInAttempt, IdentityError> {
    let limits = state.settings.throttle;
    let account = account_key(email);
    let checks = [
        (By::Account, account.as_str(), limits.failures_per_account),
        (By::Address, address.as_str(), limits.failures_per_address),
    ];
    let id = admit(state, Kind::SignIn, &checks, &account, address).await?;
    Ok(SignInAttempt { id })
}

/// Admits a registration from `address` and counts it whatever its outcome (a taken email is
/// an answer about who has an account, so it costs the same as a new one).
#[tracing::instrument(skip_all)]
pub async fn admit_registration(
    state: &AppState,
    email: &Email,
    address: &ClientAddress,
) -> Result<(), IdentityError> {
    let window = state.settings.throttle.registrations_per_address;
    let checks = [(By::Address, address.as_str(), window)];
    admit(state, Kind::Register, &checks, &account_key(email), address).await?;
    Ok(())
}

/// Checks every window and, if all admit, records the attempt: one write transaction, so
/// replicas checking at the same moment take turns and see each other's attempts.
async fn admit(
    state: &AppState,
    kind: Kind,
    checks: &[(By, &str, Window)],
    account: &str,
    address: &ClientAddress,
) -> Result<String, IdentityError> {
    let now = state.settings.clock.now_millis();
    let mut tx = kit::db::begin_write(&state.db).await?;
    let mut wait = None::<Duration>;
    for (by, key, window) in checks {
        let newest = attempts::newest(&mut tx, kind, *by, key, window.since(now), window.limit).await?;
        if let Err(this) = window.admits(&newest, now) {
            tracing::warn!(kind = ?kind, by = ?by, address = address.as_str(), "attempt throttled");
            wait = Some(wait.map_or(this, |w| w.max(this)));
        }
    }
    if let Some(retry_after) = wait {
        tx.rollback().await?;
        return Err(IdentityError::RateLimited(RateLimited { retry_after }));
    }
    let id = attempts::insert(&mut tx, kind, account, address.as_str(), now).await?;
    tx.commit().await?;
    Ok(id)
}

/// The account an email names, as counted: a hash, so the table keeps no address of anyone
/// who merely mistyped theirs.
fn account_key(email: &Email) -> String {
    kit::digest::sha256_hex(email.as_str())
}

/// Forgets, every minute, the attempts no window counts any more.
pub fn spawn_sweep(state: AppState) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(SWEEP_EVERY);
        loop {
            ticks.tick().await;
            let longest = state.settings.throttle.longest();
            let before = state.settings.clock.now_millis() - Window::new(1, longest).span_millis();
            match attempts::delete_older(&state.db, before).await {
                Ok(0) => {}
                Ok(swept) => tracing::debug!(swept, "old credential attempts forgotten"),
                Err(error) => tracing::warn!(%error, "sweeping credential attempts failed"),
            }
        }
    });
}
