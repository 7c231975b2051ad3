//! How stars add up: the average and the spread of a product's visible reviews.

use contracts::reviews::RatingSummary;

/// The summary of `counts` (reviews with 1..=5 stars) at rating `revision`; the average is
/// rounded to two decimals so the same counts always give the same number everywhere.
pub fn summarize(counts: [u32; 5], revision: u64) -> RatingSummary {
    let count: u32 = counts.iter().sum();
    let stars: u64 = counts
        .iter()
        .zip(1u64..)
        .map(|(n, stars)| u64::from(*n) * stars)
        .sum();
    let average = if count == 0 {
        0.0
    } else {
        (stars as f64 / f64::from(count) * 100.0).round() / 100.0
    };
    RatingSummary {
        average,
        count,
        distribution: counts,
        revision,
    }
}

#[cfg(test)]
mod tests {
    use super::summarize;

    #[test]
    fn averages_and_empties() {
        assert_eq!(summarize([0; 5], 0).average, 0.0);
        assert_eq!(summarize([0, 0, 0, 1, 1], 2).average, 4.5);
        let third = summarize([1, 0, 0, 0, 2], 3);
        assert_eq!((third.average, third.count), (3.67, 3));
    }
}
