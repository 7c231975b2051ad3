//! Fair sign-in throttling (docs/decisions/0013): shoppers sharing an address sign in freely;
//! guessing one account, or many accounts from one address, is stopped; registrations from one
//! address are bounded. Windows pass on the service's manual clock, not by sleeping.

use std::time::Duration;

use contracts::problem::Problem;
use futures::stream::{self, StreamExt};
use mercado_identity::config::Throttle;
use mercado_identity::domain::throttle::Window;

use crate::helpers::{email, spawn_app, spawn_with, spawn_with_clock, PASSWORD};

/// An office's (or a mobile carrier's) one public address.
const OFFICE: &str = "203.0.113.10";
const WRONG: &str = "not the password";
const QUARTER_HOUR: Duration = Duration::from_secs(900);

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// A 429's problem without its request id (which differs per request).
async fn problem(response: reqwest::Response) -> Problem {
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let mut problem: Problem = response.json().await.unwrap();
    problem.request_id = None;
    problem
}

#[tokio::test]
async fn fifty_shoppers_behind_one_address_all_sign_in_within_a_minute() {
    let app = spawn_app().await;
    // Each registered at home, from an address of their own.
    for n in 0..50 {
        let home = format!("198.51.100.{n}");
        assert_eq!(
            app.register_from(&format!("office{n}"), &home).await.status(),
            201
        );
    }
    // A few mistype their password first, as people do.
    for n in 0..5 {
        let typo = app
            .sign_in_from(&email(&format!("office{n}")), WRONG, OFFICE)
            .await;
        assert_eq!(typo.status(), 401);
    }
    // Then all fifty sign in from the office, several at a time, with the default limits.
    let started = std::time::Instant::now();
    let app = &app;
    let statuses: Vec<u16> = stream::iter(0..50)
        .map(|n| async move {
            let email = email(&format!("office{n}"));
            app.sign_in_from(&email, PASSWORD, OFFICE).await.status().as_u16()
        })
        .buffer_unordered(5)
        .collect()
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(statuses, vec![200; 50]);
}

#[tokio::test]
async fn guesses_against_one_account_are_stopped_and_the_owner_waits_out_the_window() {
    let app = spawn_with_clock(|_| {}).await;
    app.register_from("owner", "198.51.100.1").await;
    let owner = email("owner");
    // Ten wrong guesses (the default per account), from two addresses: an attacker rotating
    // addresses gains nothing, the count is the account's.
    for n in 0..10 {
        let address = if n % 2 == 0 { "192.0.2.1" } else { "192.0.2.2" };
        assert_eq!(app.sign_in_from(&owner, WRONG, address).await.status(), 401);
    }
    let stopped = app.sign_in_from(&owner, WRONG, "192.0.2.3").await;
    assert_eq!(stopped.status(), 429);
    assert_eq!(
        retry_after(&stopped),
        900,
        "the whole window: all guesses were just now"
    );
    assert_eq!(problem(stopped).await.status, 429);
    // The owner, with the right password, from home, is told to wait too: while the account is
    // paused no password is checked, or the guesser's right guess would get through.
    let owner_now = app.sign_in_from(&owner, PASSWORD, "198.51.100.1").await;
    assert_eq!(owner_now.status(), 429);
    assert_eq!(retry_after(&owner_now), 900);
    // Nobody else is affected: another shopper at the guesser's address signs in.
    app.register_from("neighbour", "198.51.100.2").await;
    let neighbour = app.sign_in_from(&email("neighbour"), PASSWORD, "192.0.2.1").await;
    assert_eq!(neighbour.status(), 200);

    // One second before the oldest guess leaves the window: still paused, one second to go.
    app.clock().advance(QUARTER_HOUR - Duration::from_secs(1));
    let almost = app.sign_in_from(&owner, PASSWORD, "198.51.100.1").await;
    assert_eq!((almost.status().as_u16(), retry_after(&almost)), (429, 1));
    app.clock().advance(Duration::from_secs(1));
    let back = app.sign_in_from(&owner, PASSWORD, "198.51.100.1").await;
    assert_eq!(back.status(), 200, "the window has passed");
}

#[tokio::test]
async fn guesses_spread_over_many_accounts_from_one_address_are_stopped() {
    let app = spawn_with_clock(|_| {}).await;
    app.register_from("victim", "198.51.100.1").await;
    app.register_from("colleague", "198.51.100.2").await;
    // 29 guesses, one per account (real or not), from one address: under every per-account limit.
    for n in 0..29 {
        let target = if n == 0 {
            email("victim")
        } else {
            format!("user{n}@example.com")
        };
        assert_eq!(app.sign_in_from(&target, WRONG, OFFICE).await.status(), 401);
    }
    // A colleague at the same address signs in: that frees nothing for the guesser.
    let colleague = app.sign_in_from(&email("colleague"), PASSWORD, OFFICE).await;
    assert_eq!(colleague.status(), 200);
    assert_eq!(
        app.sign_in_from("user29@example.com", WRONG, OFFICE)
            .await
            .status(),
        401
    );
    // The 30th failure (the default per address) was the last: the address is paused.
    let stopped = app.sign_in_from("user30@example.com", WRONG, OFFICE).await;
    assert_eq!(stopped.status(), 429);
    assert!((1..=900).contains(&retry_after(&stopped)));
    // For everyone there, since a password is no longer checked from it…
    let paused = app.sign_in_from(&email("colleague"), PASSWORD, OFFICE).await;
    assert_eq!(paused.status(), 429);
    // …but not elsewhere: the victim's account itself had one failure only.
    let elsewhere = app.sign_in_from(&email("victim"), PASSWORD, "198.51.100.1").await;
    assert_eq!(elsewhere.status(), 200);

    app.clock().advance(QUARTER_HOUR);
    let later = app.sign_in_from(&email("colleague"), PASSWORD, OFFICE).await;
    assert_eq!(later.status(), 200);
}

#[tokio::test]
async fn an_unknown_email_is_answered_like_a_known_one_before_and_after_the_limit() {
    let app = spawn_with_clock(|_| {}).await;
    app.register_from("known", "198.51.100.1").await;
    let known = email("known");
    let unknown = "nobody@example.com";
    for _ in 0..10 {
        let wrong = app.sign_in_from(&known, WRONG, "192.0.2.1").await;
        let missing = app.sign_in_from(unknown, WRONG, "192.0.2.2").await;
        assert_eq!((wrong.status().as_u16(), missing.status().as_u16()), (401, 401));
        assert_eq!(problem(wrong).await, problem(missing).await);
    }
    let wrong = app.sign_in_from(&known, WRONG, "192.0.2.1").await;
    let missing = app.sign_in_from(unknown, WRONG, "192.0.2.2").await;
    assert_eq!(wrong.status(), 429);
    assert_eq!(missing.status(), 429);
    assert_eq!(retry_after(&wrong), retry_after(&missing));
    assert_eq!(problem(wrong).await, problem(missing).await);
}

#[tokio::test]
async fn replicas_share_the_count() {
    let app = spawn_with(|s| {
        s.throttle = Throttle {
            failures_per_account: Window::new(4, QUARTER_HOUR),
            ..Throttle::default()
        };
    })
    .await;
    let replica = app.another_replica().await;
    app.register_from("shared", "198.51.100.1").await;
    let target = email("shared");
    // Guesses alternate between the two replicas, as a balancer would send them.
    for n in 0..4 {
        let base = if n % 2 == 0 {
            app.base.clone()
        } else {
            replica.clone()
        };
        let guess = app.sign_in_at(&base, &target, WRONG, "192.0.2.1").await;
        assert_eq!(guess.status(), 401);
    }
    for base in [&app.base, &replica] {
        let stopped = app.sign_in_at(base, &target, WRONG, "192.0.2.1").await;
        assert_eq!(stopped.status(), 429, "{base}");
    }
}

#[tokio::test]
async fn simultaneous_guesses_cannot_outrun_the_count() {
    let app = spawn_with(|s| {
        s.throttle = Throttle {
            failures_per_account: Window::new(3, QUARTER_HOUR),
            ..Throttle::default()
        };
    })
    .await;
    app.register_from("burst", "198.51.100.1").await;
    let target = email("burst");
    // Twelve guesses fired at once: each is counted before its password is checked, so no more
    // than the limit are ever checked.
    let statuses: Vec<u16> = stream::iter(0..12)
        .map(|n| {
            let (app, target) = (&app, &target);
            async move {
                let address = format!("192.0.2.{n}");
                app.sign_in_from(target, WRONG, &address).await.status().as_u16()
            }
        })
        .buffer_unordered(12)
        .collect()
        .await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let stopped = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, stopped), (3, 9), "{statuses:?}");
}

#[tokio::test]
async fn registrations_from_one_address_are_bounded_and_a_taken_email_counts() {
    let app = spawn_with_clock(|s| {
        s.throttle = Throttle {
            registrations_per_address: Window::new(3, Duration::from_secs(3600)),
            ..Throttle::default()
        };
    })
    .await;
    assert_eq!(app.register_from("first", OFFICE).await.status(), 201);
    assert_eq!(app.register_from("second", OFFICE).await.status(), 201);
    // Asking about an email that is taken is an answer about who shops here: it counts.
    assert_eq!(app.register_from("first", OFFICE).await.status(), 409);
    let stopped = app.register_from("fourth", OFFICE).await;
    assert_eq!(stopped.status(), 429);
    assert_eq!(retry_after(&stopped), 3600);
    // Signing in from there is not affected, nor is registering elsewhere.
    assert_eq!(
        app.sign_in_from(&email("first"), PASSWORD, OFFICE).await.status(),
        200
    );
    assert_eq!(app.register_from("fourth", "198.51.100.9").await.status(), 201);

    app.clock().advance(Duration::from_secs(3600));
    assert_eq!(app.register_from("fifth", OFFICE).await.status(), 201);
}
