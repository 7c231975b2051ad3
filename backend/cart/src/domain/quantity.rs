//! Quantities and product ids as a shopper may send them.

use contracts::cart::MAX_QUANTITY;
use contracts::problem::Problem;

/// How many of a product: 1..=[`MAX_QUANTITY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity(u32);

impl Quantity {
    /// Parses a requested quantity; 0, negative and too many are 400s naming the field.
    pub fn parse(raw: i64) -> Result<Self, Problem> {
        if (1..=i64::from(MAX_QUANTITY)).contains(&raw) {
            Ok(Self(raw as u32))
        } else {
            Err(Problem::new("invalid-quantity", "Invalid quantity", 400)
                .with_field("quantity", format!("Choose between 1 and {MAX_QUANTITY}.")))
        }
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// A product id as sent in a body or path.
pub fn product_id(raw: i64) -> Result<i64, Problem> {
    kit::validate::positive_id(raw, "productId")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_bounded() {
        assert_eq!(Quantity::parse(1).unwrap().get(), 1);
        assert_eq!(Quantity::parse(10).unwrap().get(), 10);
        for bad in [0, -1, 11, i64::MAX] {
            let problem = Quantity::parse(bad).unwrap_err();
            assert_eq!(problem.errors[0].field, "quantity");
        }
        assert!(product_id(0).is_err());
        assert_eq!(product_id(7).unwrap(), 7);
    }
}
