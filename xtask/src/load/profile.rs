//! What a virtual shopper does and how often: Online Boutique's Locust profile (its
//! `locustfile.py` weights index 1, setCurrency 2, browseProduct 10, addToCart 2, viewCart 3,
//! checkout 1) mapped onto Mercado's API, and the think time between two tasks.

use std::time::Duration;

/// One thing a shopper does, as one page or button of the storefront would.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Task {
    /// The home page: the categories and a page of the product grid (Locust's `index`).
    Home,
    /// A search from the header box (in `setCurrency`'s place: Mercado has one currency).
    Search,
    /// A product page: the product, its reviews and its stock (`browseProduct`).
    Product,
    /// "Add to cart" on a product page (`addToCart`).
    AddToCart,
    /// The cart page (`viewCart`).
    ViewCart,
    /// Checkout: review, place the order, pay (or decline) on the sandbox's page (`checkout`).
    Checkout,
}

/// Every task with its weight: how many times in 19 a shopper picks it.
pub const PROFILE: [(Task, u32); 6] = [
    (Task::Home, 1),
    (Task::Search, 2),
    (Task::Product, 10),
    (Task::AddToCart, 2),
    (Task::ViewCart, 3),
    (Task::Checkout, 1),
];

impl Task {
    /// A task drawn by weight from [`PROFILE`].
    pub fn pick(rng: &mut fastrand::Rng) -> Task {
        let total: u32 = PROFILE.iter().map(|(_, weight)| weight).sum();
        let mut ticket = rng.u32(0..total);
        for (task, weight) in PROFILE {
            if ticket < weight {
                return task;
            }
            ticket -= weight;
        }
        // Unreachable: the ticket is below the sum of the weights.
        Task::Product
    }
}

/// The pause between two tasks of one shopper: uniform in `[min, max]`, like Locust's
/// `between(min, max)`; zero for a run that saturates the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThinkTime {
    min_ms: u64,
    max_ms: u64,
}

impl ThinkTime {
    /// A pause of `min_ms..=max_ms` milliseconds (`min_ms <= max_ms`; the parser checks).
    pub fn between_ms(min_ms: u64, max_ms: u64) -> ThinkTime {
        ThinkTime {
            min_ms: min_ms.min(max_ms),
            max_ms,
        }
    }

    /// One pause.
    pub fn sample(self, rng: &mut fastrand::Rng) -> Duration {
        Duration::from_millis(rng.u64(self.min_ms..=self.max_ms))
    }

    /// As the command line wrote it: `1000..10000 ms`.
    pub fn describe(self) -> String {
        if self.min_ms == self.max_ms {
            format!("{} ms", self.min_ms)
        } else {
            format!("{}..{} ms", self.min_ms, self.max_ms)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn tasks_are_drawn_in_proportion_to_their_weights() {
        let mut rng = fastrand::Rng::with_seed(18);
        let draws = 190_000;
        let mut counts = BTreeMap::new();
        for _ in 0..draws {
            *counts.entry(Task::pick(&mut rng)).or_insert(0u32) += 1;
        }
        for (task, weight) in PROFILE {
            let expected = f64::from(draws) * f64::from(weight) / 19.0;
            let seen = f64::from(counts[&task]);
            assert!(
                (seen - expected).abs() < expected * 0.05,
                "{task:?}: {seen} drawn, {expected} expected"
            );
        }
    }

    #[test]
    fn the_same_seed_draws_the_same_shopping_trip() {
        let trip = |seed| {
            let mut rng = fastrand::Rng::with_seed(seed);
            (0..50).map(|_| Task::pick(&mut rng)).collect::<Vec<_>>()
        };
        assert_eq!(trip(7), trip(7));
        assert_ne!(trip(7), trip(8));
    }

    #[test]
    fn think_time_stays_within_its_bounds_and_zero_means_none() {
        let mut rng = fastrand::Rng::with_seed(1);
        let think = ThinkTime::between_ms(1_000, 10_000);
        for _ in 0..1_000 {
            let pause = think.sample(&mut rng);
            assert!((Duration::from_secs(1)..=Duration::from_secs(10)).contains(&pause));
        }
        assert_eq!(ThinkTime::between_ms(0, 0).sample(&mut rng), Duration::ZERO);
        assert_eq!(think.describe(), "1000..10000 ms");
        assert_eq!(ThinkTime::between_ms(0, 0).describe(), "0 ms");
    }
}
