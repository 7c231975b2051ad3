//! What the catalog accepts as a product's rating from `reviews.rating-changed`.
//!
//! The reviews service is trusted to compute ratings, not to be bug-free: an event with a
//! rating no product can have is refused (and dead-lettered by the bus) instead of shown.

use contracts::catalog::ProductRating;
use contracts::reviews::{RatingChanged, RATING_MAX, RATING_MIN};

/// A rating the catalog will keep for `product_id`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KnownRating {
    /// The product.
    pub product_id: i64,
    /// Its rating at the event's revision.
    pub rating: ProductRating,
}

/// Checks an event: a positive product id, a revision from 1 that fits the database, and an average that is 0 with
/// no reviews and within the star range otherwise.
pub fn from_event(event: &RatingChanged) -> Result<KnownRating, String> {
    if event.product_id <= 0 {
        return Err(format!("product id {} is not positive", event.product_id));
    }
    if event.revision == 0 || i64::try_from(event.revision).is_err() {
        return Err(format!("revision {} is out of range", event.revision));
    }
    let stars = f64::from(RATING_MIN)..=f64::from(RATING_MAX);
    let plausible = match event.count {
        0 => event.average == 0.0,
        _ => stars.contains(&event.average),
    };
    if !plausible {
        return Err(format!(
            "average {} is impossible with {} reviews",
            event.average, event.count
        ));
    }
    Ok(KnownRating {
        product_id: event.product_id,
        rating: ProductRating {
            average: event.average,
            count: event.count,
            revision: event.revision,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(average: f64, count: u32, revision: u64) -> RatingChanged {
        RatingChanged {
            product_id: 7,
            average,
            count,
            revision,
        }
    }

    #[test]
    fn keeps_plausible_ratings() {
        assert_eq!(from_event(&event(4.5, 2, 3)).unwrap().rating.average, 4.5);
        assert_eq!(from_event(&event(0.0, 0, 4)).unwrap().rating.count, 0);
    }

    #[test]
    fn refuses_impossible_ones() {
        assert!(from_event(&event(6.0, 2, 1)).is_err());
        assert!(from_event(&event(0.5, 1, 1)).is_err());
        assert!(from_event(&event(f64::NAN, 1, 1)).is_err());
        assert!(from_event(&event(3.0, 0, 1)).is_err());
        assert!(from_event(&event(3.0, 1, 0)).is_err());
        assert!(from_event(&RatingChanged {
            product_id: 0,
            ..event(3.0, 1, 1)
        })
        .is_err());
    }
}
