//! Checks of input shapes many services share, answered as 400 problems naming the field.

use contracts::problem::Problem;

/// An id sent in a body or path (products, for one): a positive whole number.
pub fn positive_id(raw: i64, field: &str) -> Result<i64, Problem> {
    if raw > 0 {
        Ok(raw)
    } else {
        Err(Problem::new("invalid-id", "Invalid id", 400)
            .with_field(field, "An id is a positive whole number."))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_positive() {
        assert_eq!(super::positive_id(7, "productId").unwrap(), 7);
        for bad in [0, -1, i64::MIN] {
            let problem = super::positive_id(bad, "productId").unwrap_err();
            assert_eq!(problem.errors[0].field, "productId");
            assert_eq!(problem.status, 400);
        }
    }
}
