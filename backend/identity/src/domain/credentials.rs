//! Parsing what a person types into the register and sign-in forms ("parse, don't validate").
//!
//! Each parser returns the message shown next to the field, so the form and the API agree on
//! wording. [`NewAccount::parse`] collects every field's error at once.

use contracts::identity::{RegisterRequest, NAME_MAX_CHARS};
use contracts::problem::Problem;

use super::password;

/// Longest accepted email (RFC 5321 path limit).
const MAX_EMAIL: usize = 254;

/// A syntactically plausible email address, trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` without spaces; anything stricter is the mail server's job.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter your email address.");
        }
        if email.len() > MAX_EMAIL {
            return Err("That email address is too long.");
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err("Enter an email address like name@example.com.");
        };
        let plausible = !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if plausible {
            Ok(Self(email))
        } else {
            Err("Enter an email address like name@example.com.")
        }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: 1–80 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    /// Parses a name as typed.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("Enter your name.");
        }
        if name.chars().count() > NAME_MAX_CHARS {
            return Err("Use at most 80 characters.");
        }
        if name.chars().any(char::is_control) {
            return Err("Use letters, spaces and punctuation only.");
        }
        Ok(Self(name.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A registration whose every field is valid.
#[derive(Debug)]
pub struct NewAccount {
    /// Display name.
    pub name: DisplayName,
    /// Normalised email.
    pub email: Email,
    /// The password as typed (hashed by the caller, never stored or logged).
    pub password: String,
}

impl NewAccount {
    /// Parses all fields, reporting every invalid one in a single 400 problem.
    pub fn parse(request: RegisterRequest) -> Result<Self, Problem> {
        let name = DisplayName::parse(&request.name);
        let email = Email::parse(&request.email);
        let strength = password::check_strength(&request.password, &request.email);
        match (name, email, strength) {
            (Ok(name), Ok(email), Ok(())) => Ok(Self {
                name,
                email,
                password: request.password,
            }),
            (name, email, strength) => {
                let mut problem = Problem::new("invalid-registration", "Some fields need attention", 400)
                    .with_detail("Fix the fields listed in errors and try again.");
                for (field, result) in [
                    ("name", name.err()),
                    ("email", email.err()),
                    ("password", strength.err()),
                ] {
                    if let Some(message) = result {
                        problem = problem.with_field(field, message);
                    }
                }
                Err(problem)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ana@Example.COM ").unwrap().as_str(),
            "ana@example.com"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "a@b@c.de",
            "ana@.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ana  ").unwrap().as_str(), "Ana");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(81)).is_err());
        assert!(DisplayName::parse("a\u{7}b").is_err());
    }

    #[test]
    fn every_bad_field_is_reported() {
        let problem = NewAccount::parse(RegisterRequest {
            name: "".into(),
            email: "nope".into(),
            password: "short".into(),
        })
        .unwrap_err();
        let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "email", "password"]);
        assert_eq!(problem.status, 400);
    }
}
