//! Timestamps in the two forms services store and send.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Now, as RFC 3339 UTC (what events and DTOs carry).
pub fn now_rfc3339() -> String {
    OffsetDateTime::now_utc().format(&Rfc3339).unwrap_or_default()
}

/// Now, in Unix milliseconds (what tables order by).
pub fn unix_millis() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_are_what_they_say() {
        let text = super::now_rfc3339();
        assert!(text.ends_with('Z') && text.contains('T'), "{text}");
        assert!(super::unix_millis() > 1_700_000_000_000);
    }
}
