//! How numbers and dates read on the page. Integer arithmetic only: float formatting would
//! pull `core::fmt`'s float code into the wasm, which is shipped over the network.

/// An average with one decimal, e.g. `4.5` (`0.0` without reviews).
pub fn one_decimal(value: f64) -> String {
    let tenths = (value.max(0.0) * 10.0).round() as u32;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `"1 review"`, `"12 reviews"`.
pub fn reviews_count(count: u32) -> String {
    if count == 1 {
        "1 review".into()
    } else {
        format!("{count} reviews")
    }
}

/// `part` as a whole percentage of `whole` (0 when `whole` is 0).
pub fn percent(part: u32, whole: u32) -> u32 {
    if whole == 0 {
        0
    } else {
        (u64::from(part) * 100 / u64::from(whole)) as u32
    }
}

/// Filled width of a five-star row for `stars` (0–5), as a CSS percentage.
pub fn stars_width(stars: f64) -> String {
    format!("{}%", (stars.clamp(0.0, 5.0) * 20.0).round() as u32)
}

/// The day of an RFC 3339 time, e.g. `2026-11-25T10:00:00Z` → `25 Nov 2026` (the text as
/// given when it is not one).
pub fn date(rfc3339: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = rfc3339.get(..10).unwrap_or_default().split('-');
    let (Some(year), Some(month), Some(day)) = (parts.next(), parts.next(), parts.next()) else {
        return rfc3339.into();
    };
    let month = month
        .parse::<usize>()
        .ok()
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)));
    match (year.len(), month, day.parse::<u8>()) {
        (4, Some(month), Ok(day)) => format!("{day} {month} {year}"),
        _ => rfc3339.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_have_one_decimal() {
        assert_eq!(one_decimal(4.5), "4.5");
        assert_eq!(one_decimal(4.0), "4.0");
        assert_eq!(one_decimal(3.666_666), "3.7");
        assert_eq!(one_decimal(4.96), "5.0");
        assert_eq!(one_decimal(0.0), "0.0");
    }

    #[test]
    fn counts_and_shares() {
        assert_eq!(reviews_count(0), "0 reviews");
        assert_eq!(reviews_count(1), "1 review");
        assert_eq!(reviews_count(12), "12 reviews");
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(3, 3), 100);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(stars_width(4.5), "90%");
        assert_eq!(stars_width(9.0), "100%");
    }

    #[test]
    fn dates_read_as_days() {
        assert_eq!(date("2026-11-25T10:00:00Z"), "25 Nov 2026");
        assert_eq!(date("2026-01-05T23:59:59.123+00:00"), "5 Jan 2026");
        assert_eq!(date("yesterday"), "yesterday");
        assert_eq!(date("2026-13-05T00:00:00Z"), "2026-13-05T00:00:00Z");
        assert_eq!(date(""), "");
    }
}
