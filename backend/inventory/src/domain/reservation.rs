//! All or nothing: an order is held only if every line is available.

use contracts::orders::ItemQuantity;

/// Products of `items` that cannot be held, given `available(product)` (None: not stocked).
/// Empty means the whole order can be reserved. Quantities of repeated products add up.
pub fn shortages(items: &[ItemQuantity], available: impl Fn(i64) -> Option<i64>) -> Vec<i64> {
    let mut wanted: Vec<(i64, i64)> = Vec::new();
    for item in items {
        match wanted.iter_mut().find(|(id, _)| *id == item.product_id) {
            Some((_, q)) => *q += i64::from(item.quantity),
            None => wanted.push((item.product_id, i64::from(item.quantity))),
        }
    }
    wanted
        .into_iter()
        .filter(|(id, q)| available(*id).is_none_or(|a| a < *q))
        .map(|(id, _)| id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(product_id: i64, quantity: u32) -> ItemQuantity {
        ItemQuantity { product_id, quantity }
    }

    #[test]
    fn all_or_nothing_with_repeats_added_up() {
        let stock = |id| match id {
            1 => Some(5),
            2 => Some(0),
            _ => None,
        };
        assert!(shortages(&[item(1, 5)], stock).is_empty());
        assert_eq!(shortages(&[item(1, 3), item(1, 3)], stock), [1]);
        assert_eq!(shortages(&[item(1, 1), item(2, 1), item(9, 1)], stock), [2, 9]);
    }
}
