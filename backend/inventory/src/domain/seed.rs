//! Demo stock for the catalog's seeded products (ids 1–128): varied amounts, and every 16th
//! product sold out, so "out of stock" can be seen and tested.

/// Products the catalog seeds.
pub const SEEDED_PRODUCTS: i64 = 128;

/// Units on hand for a seeded product.
pub fn on_hand(product_id: i64) -> i64 {
    if product_id % 16 == 0 {
        0
    } else {
        1_000 + (product_id * 37) % 4_000
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn some_sold_out_most_plenty() {
        assert_eq!(super::on_hand(16), 0);
        assert!(super::on_hand(1) >= 1_000);
    }
}
