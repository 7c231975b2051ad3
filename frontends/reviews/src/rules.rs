//! The review rules the service applies (`contracts::reviews` limits), checked in the browser
//! first so the shopper sees what to fix before anything is sent.
//!
//! Counted like the service counts: in characters, after trimming. The service still has the
//! last word; its per-field answers are shown the same way.

use contracts::reviews::{BODY_MAX_CHARS, BODY_MIN_CHARS, RATING_MAX, RATING_MIN, TITLE_MAX_CHARS};

/// What is wrong with a draft, as `(field, message)` with the service's field names
/// (`rating`, `title`, `body`); empty when it may be sent.
pub fn problems(rating: u8, title: &str, body: &str) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    if !(RATING_MIN..=RATING_MAX).contains(&rating) {
        found.push(("rating", format!("Choose {RATING_MIN} to {RATING_MAX} stars.")));
    }
    let title = title.trim().chars().count();
    if title == 0 {
        found.push(("title", "Give your review a title.".into()));
    } else if title > TITLE_MAX_CHARS {
        found.push((
            "title",
            format!("Keep the title to {TITLE_MAX_CHARS} characters (now {title})."),
        ));
    }
    let body = body.trim().chars().count();
    if body < BODY_MIN_CHARS {
        found.push(("body", format!("Write at least {BODY_MIN_CHARS} characters.")));
    } else if body > BODY_MAX_CHARS {
        found.push((
            "body",
            format!("Keep it to {BODY_MAX_CHARS} characters (now {body})."),
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(rating: u8, title: &str, body: &str) -> Vec<&'static str> {
        problems(rating, title, body)
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    #[test]
    fn a_good_draft_passes() {
        assert!(problems(5, "Great mug", "Keeps coffee hot for ages.").is_empty());
        assert!(problems(1, &"t".repeat(TITLE_MAX_CHARS), &"b".repeat(BODY_MAX_CHARS)).is_empty());
    }

    #[test]
    fn every_bad_field_is_named() {
        assert_eq!(fields(0, " ", "short"), ["rating", "title", "body"]);
        assert_eq!(fields(6, "ok", "long enough text"), ["rating"]);
        assert_eq!(
            fields(3, &"t".repeat(TITLE_MAX_CHARS + 1), "long enough text"),
            ["title"]
        );
        assert_eq!(fields(3, "ok", &"b".repeat(BODY_MAX_CHARS + 1)), ["body"]);
    }

    #[test]
    fn counts_trimmed_characters_not_bytes() {
        // Ten characters, twenty bytes: long enough.
        assert!(problems(4, "Olá", "çççççççççç").is_empty());
        assert_eq!(fields(4, "ok", "   nine c.   "), ["body"]);
    }
}
