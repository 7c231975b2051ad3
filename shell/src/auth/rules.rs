//! What the forms check as the user types. The identity service decides; these mirror its
//! limits (from `contracts`) so most mistakes show before a round trip.

use contracts::identity::{NAME_MAX_CHARS, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};

/// A message when `email` cannot be an address.
pub fn email(email: &str) -> Option<&'static str> {
    let email = email.trim();
    let (local, domain) = email.split_once('@')?;
    let plausible = !local.is_empty()
        && domain.contains('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.contains(char::is_whitespace);
    (!plausible).then_some("Enter an email address like name@example.com.")
}

/// A message when `email` is not even shaped like one (also for a missing `@`).
pub fn email_complete(email: &str) -> Option<&'static str> {
    if email.trim().is_empty() {
        Some("Enter your email address.")
    } else if !email.contains('@') {
        Some("Enter an email address like name@example.com.")
    } else {
        self::email(email)
    }
}

/// A message when `password` breaks the length rule.
pub fn new_password(password: &str) -> Option<String> {
    let length = password.chars().count();
    if length < PASSWORD_MIN_CHARS {
        Some(format!(
            "Use at least {PASSWORD_MIN_CHARS} characters ({length} so far)."
        ))
    } else if length > PASSWORD_MAX_CHARS {
        Some(format!("Use at most {PASSWORD_MAX_CHARS} characters."))
    } else {
        None
    }
}

/// A message when `name` is empty or too long.
pub fn name(name: &str) -> Option<String> {
    let name = name.trim();
    if name.is_empty() {
        Some("Enter your name.".into())
    } else if name.chars().count() > NAME_MAX_CHARS {
        Some(format!("Use at most {NAME_MAX_CHARS} characters."))
    } else {
        None
    }
}
