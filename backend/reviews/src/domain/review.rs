//! A review as a user may write it: 1–5 stars, a title and a text within limits.

use contracts::problem::Problem;
use contracts::reviews::{
    WriteReviewRequest, BODY_MAX_CHARS, BODY_MIN_CHARS, RATING_MAX, RATING_MIN, TITLE_MAX_CHARS,
};

/// A checked review: trimmed text within the limits, stars in range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidReview {
    /// Stars.
    pub rating: u8,
    /// Headline, trimmed.
    pub title: String,
    /// Text, trimmed.
    pub body: String,
}

impl ValidReview {
    /// Checks every field; a 400 problem names each one that is wrong.
    pub fn parse(request: WriteReviewRequest) -> Result<Self, Problem> {
        let title = request.title.trim().to_owned();
        let body = request.body.trim().to_owned();
        let mut problem = Problem::new("invalid-review", "The review needs a few fixes", 400);
        let rating = u8::try_from(request.rating)
            .ok()
            .filter(|r| (RATING_MIN..=RATING_MAX).contains(r));
        if rating.is_none() {
            problem = problem.with_field("rating", format!("Choose {RATING_MIN} to {RATING_MAX} stars."));
        }
        let title_chars = title.chars().count();
        if title_chars == 0 || title_chars > TITLE_MAX_CHARS {
            problem = problem.with_field(
                "title",
                format!("Give a title of up to {TITLE_MAX_CHARS} characters."),
            );
        }
        let body_chars = body.chars().count();
        if !(BODY_MIN_CHARS..=BODY_MAX_CHARS).contains(&body_chars) {
            problem = problem.with_field(
                "body",
                format!("Write {BODY_MIN_CHARS} to {BODY_MAX_CHARS} characters."),
            );
        }
        match rating {
            Some(rating) if problem.errors.is_empty() => Ok(Self { rating, title, body }),
            _ => Err(problem),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(rating: i64, title: &str, body: &str) -> WriteReviewRequest {
        WriteReviewRequest {
            rating,
            title: title.into(),
            body: body.into(),
        }
    }

    #[test]
    fn a_good_review_is_trimmed() {
        let review = ValidReview::parse(request(4, "  Solid  ", "  Does what it says.  ")).unwrap();
        assert_eq!(
            (review.rating, review.title.as_str(), review.body.as_str()),
            (4, "Solid", "Does what it says.")
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let problem = ValidReview::parse(request(6, " ", "short")).unwrap_err();
        let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["rating", "title", "body"]);
        for rating in [0, -1, 256] {
            assert!(ValidReview::parse(request(rating, "Ok", "Long enough text.")).is_err());
        }
        let long = "x".repeat(BODY_MAX_CHARS + 1);
        assert!(ValidReview::parse(request(3, "Ok", &long)).is_err());
        // Characters, not bytes: 10 accented letters are enough.
        assert!(ValidReview::parse(request(3, "Ok", "éééééééééé")).is_ok());
    }
}
