//! Pricing a cart: stored lines plus the catalog's current quotes give what the shopper sees.

use contracts::cart::{CartLine, CartView};
use contracts::catalog::{Money, PriceQuote};

/// A line as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLine {
    /// Product id.
    pub product_id: i64,
    /// Quantity.
    pub quantity: u32,
    /// Price when added, in cents.
    pub added_price_cents: i64,
}

/// The view of `lines` at today's `quotes`. Lines the catalog no longer knows are left out.
pub fn price(lines: &[StoredLine], quotes: &[PriceQuote]) -> CartView {
    let priced: Vec<CartLine> = lines
        .iter()
        .filter_map(|line| {
            let quote = quotes.iter().find(|q| q.product_id == line.product_id)?;
            let moved = quote.price.cents != line.added_price_cents;
            Some(CartLine {
                product_id: line.product_id,
                name: quote.name.clone(),
                quantity: line.quantity,
                unit_price: quote.price,
                line_total: Money::eur(quote.price.cents * i64::from(line.quantity)),
                price_was: moved.then(|| Money::eur(line.added_price_cents)),
            })
        })
        .collect();
    CartView {
        item_count: priced.iter().map(|l| l.quantity).sum(),
        total: Money::eur(priced.iter().map(|l| l.line_total.cents).sum()),
        lines: priced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(id: i64, cents: i64) -> PriceQuote {
        PriceQuote {
            product_id: id,
            name: format!("P{id}"),
            price: Money::eur(cents),
        }
    }

    #[test]
    fn totals_counts_and_moved_prices() {
        let lines = [
            StoredLine {
                product_id: 1,
                quantity: 2,
                added_price_cents: 500,
            },
            StoredLine {
                product_id: 2,
                quantity: 1,
                added_price_cents: 900,
            },
            StoredLine {
                product_id: 3,
                quantity: 4,
                added_price_cents: 100,
            },
        ];
        let view = price(&lines, &[quote(1, 500), quote(2, 1000)]);
        assert_eq!(view.lines.len(), 2, "unknown product 3 left out");
        assert_eq!(view.item_count, 3);
        assert_eq!(view.total, Money::eur(2000));
        assert_eq!(view.lines[0].price_was, None);
        assert_eq!(view.lines[1].price_was, Some(Money::eur(900)));
    }
}
