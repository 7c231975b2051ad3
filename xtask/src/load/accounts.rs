//! Every virtual shopper's account: `load-shopper-<n>@example.com`, kept across runs.
//!
//! Identity throttles registrations per client address (30 an hour by default, whatever
//! their outcome) and failed sign-ins, and every virtual shopper comes from this machine's one
//! address. Successful sign-ins are not counted, so the accounts are reused: a shopper signs
//! in first, and registers when there is no such account — and then every shopper after it
//! registers straight away (earlier runs made the accounts in order), signing in only if one
//! turns out taken. A stack that still says 429 gets an error naming the limit and the way out.

use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use contracts::identity::{RegisterRequest, SessionGrant, SignInRequest};
use reqwest::{Method, StatusCode};

use super::api::{Api, Failure};
use super::stats::Step;

/// Every load account's password (identity wants at least 10 characters).
const PASSWORD: &str = "load shopper at work";

/// The account of virtual shopper `n`.
pub fn email(n: usize) -> String {
    format!("load-shopper-{n}@example.com")
}

/// Which answer to expect first, from what shopper 0 found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// An earlier run made the accounts: sign in, register only on 401.
    Existing,
    /// A fresh stack: register, sign in only on 409.
    New,
}

/// A signed-in shopper's token and when to renew it.
#[derive(Debug, Clone)]
pub struct Session {
    /// The access token.
    pub token: String,
    /// A minute before it expires: then the shopper signs in again (not counted by identity).
    pub renew_at: Instant,
    /// Whether the account was made by this run.
    pub registered: bool,
}

/// Signs shopper `n` in, registering its account when `expect` or the answer says so.
pub async fn open(api: &Api, n: usize, expect: Expect) -> Result<Session> {
    let email = email(n);
    match expect {
        Expect::Existing => match sign_in(api, &email).await {
            Err(Failure::Status(StatusCode::UNAUTHORIZED, _)) => register(api, &email).await,
            other => other.map_err(|f| refused("sign in", &email, f)),
        },
        Expect::New => match register(api, &email).await {
            Err(err) if is_taken(&err) => sign_in(api, &email)
                .await
                .map_err(|f| refused("sign in", &email, f)),
            other => other,
        },
    }
}

/// Signs in again with a known account (an access token lives 15 minutes).
pub async fn renew(api: &Api, n: usize) -> Result<Session> {
    let email = email(n);
    sign_in(api, &email)
        .await
        .map_err(|f| refused("sign in", &email, f))
}

async fn sign_in(api: &Api, email: &str) -> Result<Session, Failure> {
    let body = SignInRequest {
        email: email.to_string(),
        password: PASSWORD.to_string(),
    };
    let request = api.request(Method::POST, "/api/identity/sessions").json(&body);
    let grant: SessionGrant = api.json(Step::SignIn, request).await?;
    Ok(session(grant, false))
}

async fn register(api: &Api, email: &str) -> Result<Session> {
    let body = RegisterRequest {
        name: "Load Shopper".into(),
        email: email.to_string(),
        password: PASSWORD.to_string(),
    };
    let request = api.request(Method::POST, "/api/identity/users").json(&body);
    match api.json::<SessionGrant>(Step::Register, request).await {
        Ok(grant) => Ok(session(grant, true)),
        Err(Failure::Status(StatusCode::CONFLICT, _)) => Err(anyhow!(Taken)),
        Err(failure) => Err(refused("register", email, failure)),
    }
}

/// The account exists already (a 409 to registering).
#[derive(Debug)]
struct Taken;

impl std::fmt::Display for Taken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the account exists already")
    }
}

fn is_taken(err: &anyhow::Error) -> bool {
    err.downcast_ref::<Taken>().is_some()
}

fn session(grant: SessionGrant, registered: bool) -> Session {
    let lifetime = Duration::from_secs(grant.expires_in.saturating_sub(60).max(1));
    Session {
        token: grant.access_token,
        renew_at: Instant::now() + lifetime,
        registered,
    }
}

/// What to say when identity would not let a shopper in: for a 429, which limit it is and
/// how to lift it, since every virtual shopper shares this machine's address.
pub fn refused(what: &str, email: &str, failure: Failure) -> anyhow::Error {
    let Failure::Status(StatusCode::TOO_MANY_REQUESTS, _) = failure else {
        return anyhow!("could not {what} {email}: {failure}");
    };
    let limit = if what == "register" {
        "registrations per client address (REGISTRATIONS_PER_ADDRESS, default 30 an hour)"
    } else {
        "failed sign-ins per client address (SIGN_IN_FAILURES_PER_ADDRESS, default 30 a quarter-hour)"
    };
    anyhow!(
        "could not {what} {email}: {failure}\n\n\
         The stack throttles {limit}, and every virtual shopper comes from this one address \
         (the gateway's own limit, RATE_LIMIT_PER_SECOND / AUTH_RATE_LIMIT_PER_MINUTE, answers 429 too).\n\
         Either:\n\
         - drive a stack with relaxed limits: `cargo xtask bench load` starts one; for `cargo xtask up`, start it as\n  \
           REGISTRATIONS_PER_ADDRESS=100000 SIGN_IN_FAILURES_PER_ADDRESS=100000 AUTH_RATE_LIMIT_PER_MINUTE=100000 \
           RATE_LIMIT_PER_SECOND=100000 RATE_LIMIT_BURST=100000 cargo xtask up\n  \
           (every process reads its limits from the environment it inherits); or\n\
         - wait for the window to pass and keep the new accounts under the limit: the accounts \
           load-shopper-0… are kept and signed into again by later runs, which identity does not count, \
           so only --users beyond the last run's register."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_throttled_registration_names_the_limit_and_the_way_out() {
        let failure = Failure::Status(StatusCode::TOO_MANY_REQUESTS, "Try again in 3599 s.".into());
        let text = refused("register", &email(31), failure).to_string();
        assert!(text.starts_with(
            "could not register load-shopper-31@example.com: 429 Too Many Requests: Try again in 3599 s."
        ));
        assert!(text.contains("REGISTRATIONS_PER_ADDRESS, default 30 an hour"));
        assert!(text.contains("REGISTRATIONS_PER_ADDRESS=100000"));
        assert!(text.contains("cargo xtask bench load"));
    }

    #[test]
    fn other_refusals_say_only_what_happened() {
        let failure = Failure::Status(StatusCode::SERVICE_UNAVAILABLE, "identity is down".into());
        assert_eq!(
            refused("sign in", &email(0), failure).to_string(),
            "could not sign in load-shopper-0@example.com: 503 Service Unavailable: identity is down"
        );
        let throttled = Failure::Status(StatusCode::TOO_MANY_REQUESTS, String::new());
        assert!(refused("sign in", &email(0), throttled)
            .to_string()
            .contains("SIGN_IN_FAILURES_PER_ADDRESS"));
    }
}
