//! The error body every service answers with: RFC 9457 `application/problem+json`.
//!
//! Services build it (through `kit`), the gateway emits it for 502/504/429, and MFEs decode
//! it to show the user a message and, later, field errors next to the right input.

use serde::{Deserialize, Serialize};

/// Media type of a [`Problem`] body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A machine-readable error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// A URI-ish identifier of the error kind, e.g. `/problems/invalid-query`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short, human summary of the kind.
    pub title: String,
    /// HTTP status code, repeated for clients that only keep the body.
    pub status: u16,
    /// Human explanation of this occurrence; safe to show to a user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Per-field messages for invalid input, keyed by field or query parameter name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The request id, so a user's report can be matched to the logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Field or query parameter name as the client sent it.
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl Problem {
    /// A problem with a kind slug, title and status; `detail` and `errors` can be added.
    pub fn new(slug: &str, title: impl Into<String>, status: u16) -> Self {
        Self {
            kind: format!("/problems/{slug}"),
            title: title.into(),
            status,
            detail: None,
            errors: Vec::new(),
            request_id: None,
        }
    }

    /// Adds the human explanation.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Adds a field error.
    pub fn with_field(mut self, field: impl Into<String>, message: impl Into<String>) -> Self {
        self.errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_rfc9457() {
        let p = Problem::new("invalid-query", "Invalid query", 400)
            .with_detail("limit must be between 1 and 100")
            .with_field("limit", "must be between 1 and 100");
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["type"], "/problems/invalid-query");
        assert_eq!(json["status"], 400);
        assert_eq!(json["errors"][0]["field"], "limit");
        assert!(json.get("requestId").is_none());
    }
}
