//! A shipping address the carrier can use.

use contracts::orders::ShippingAddress;
use contracts::problem::Problem;

const MAX_FIELD: usize = 120;

/// The address trimmed, or a 400 naming every field to fix.
pub fn parse(raw: &ShippingAddress) -> Result<ShippingAddress, Problem> {
    let address = ShippingAddress {
        name: raw.name.trim().into(),
        line1: raw.line1.trim().into(),
        line2: raw.line2.trim().into(),
        postal_code: raw.postal_code.trim().into(),
        city: raw.city.trim().into(),
        country: raw.country.trim().to_uppercase(),
    };
    let mut problem = Problem::new("invalid-address", "The address needs attention", 400);
    for (field, value, required) in [
        ("shippingAddress.name", &address.name, true),
        ("shippingAddress.line1", &address.line1, true),
        ("shippingAddress.line2", &address.line2, false),
        ("shippingAddress.postalCode", &address.postal_code, true),
        ("shippingAddress.city", &address.city, true),
    ] {
        if required && value.is_empty() {
            problem = problem.with_field(field, "Required.");
        } else if value.chars().count() > MAX_FIELD || value.chars().any(char::is_control) {
            problem = problem.with_field(field, format!("Use at most {MAX_FIELD} ordinary characters."));
        }
    }
    if address.country.len() != 2 || !address.country.chars().all(|c| c.is_ascii_uppercase()) {
        problem = problem.with_field(
            "shippingAddress.country",
            "Use a two-letter country code, e.g. PT.",
        );
    }
    if problem.errors.is_empty() {
        Ok(address)
    } else {
        Err(problem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address() -> ShippingAddress {
        ShippingAddress {
            name: " Ana ".into(),
            line1: "Rua 1".into(),
            line2: String::new(),
            postal_code: "1000-001".into(),
            city: "Lisboa".into(),
            country: "pt".into(),
        }
    }

    #[test]
    fn trims_and_normalises() {
        let parsed = parse(&address()).unwrap();
        assert_eq!(parsed.name, "Ana");
        assert_eq!(parsed.country, "PT");
    }

    #[test]
    fn names_every_bad_field() {
        let mut bad = address();
        bad.city = " ".into();
        bad.country = "Portugal".into();
        let problem = parse(&bad).unwrap_err();
        let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["shippingAddress.city", "shippingAddress.country"]);
    }
}
