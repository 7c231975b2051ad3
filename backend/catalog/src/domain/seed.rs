//! The demo assortment: 8 categories × 16 products, generated deterministically so every
//! fresh database (and every test) holds the same catalog.

/// A category to seed.
pub struct SeedCategory {
    /// URL slug.
    pub slug: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Product nouns with a base price in cents.
    nouns: &'static [(&'static str, i64)],
    /// What the category's products are good for, used in descriptions.
    purpose: &'static str,
}

/// A product to seed.
pub struct SeedProduct {
    /// Index into [`CATEGORIES`].
    pub category: usize,
    /// Display name, e.g. "Copper Kettle".
    pub name: String,
    /// Plain-text description.
    pub description: String,
    /// Price in cents.
    pub price_cents: i64,
    /// Position in the "Featured" order: round-robin over categories so the home page mixes them.
    pub featured_rank: i64,
}

const ADJECTIVES: &[(&str, i64)] = &[
    ("Classic", 100),
    ("Copper", 135),
    ("Nordic", 120),
    ("Compact", 90),
    ("Bamboo", 105),
    ("Midnight", 115),
    ("Linen", 110),
    ("Sunrise", 95),
    ("Alpine", 125),
    ("Velvet", 140),
    ("Harbor", 100),
    ("Terracotta", 108),
    ("Graphite", 118),
    ("Meadow", 98),
    ("Coastal", 112),
    ("Heritage", 150),
];

/// The demo categories.
pub const CATEGORIES: &[SeedCategory] = &[
    SeedCategory {
        slug: "kitchen",
        name: "Kitchen",
        purpose: "everyday cooking",
        nouns: &[
            ("Kettle", 3900),
            ("Chef Knife", 5900),
            ("Cutting Board", 2400),
            ("Teapot", 2900),
            ("Skillet", 4500),
            ("Mixing Bowl", 1900),
            ("Coffee Grinder", 6900),
            ("Spice Rack", 2200),
        ],
    },
    SeedCategory {
        slug: "home",
        name: "Home",
        purpose: "a calmer living room",
        nouns: &[
            ("Throw Blanket", 4900),
            ("Table Lamp", 6500),
            ("Vase", 2700),
            ("Cushion", 2300),
            ("Wall Clock", 3800),
            ("Candle Set", 1800),
            ("Rug", 12900),
            ("Mirror", 8900),
        ],
    },
    SeedCategory {
        slug: "outdoor",
        name: "Outdoor",
        purpose: "weekends outside",
        nouns: &[
            ("Backpack", 7900),
            ("Tent", 19900),
            ("Water Bottle", 1900),
            ("Camp Stove", 5400),
            ("Hammock", 4400),
            ("Headlamp", 2600),
            ("Sleeping Bag", 9900),
            ("Trail Map Case", 1500),
        ],
    },
    SeedCategory {
        slug: "electronics",
        name: "Electronics",
        purpose: "a tidy desk and good sound",
        nouns: &[
            ("Headphones", 12900),
            ("Speaker", 8900),
            ("Charger", 2900),
            ("Keyboard", 9900),
            ("Desk Lamp", 5900),
            ("Power Bank", 3900),
            ("Webcam", 6900),
            ("Mouse", 3400),
        ],
    },
    SeedCategory {
        slug: "books",
        name: "Books",
        purpose: "long evenings",
        nouns: &[
            ("Cookbook", 2900),
            ("Novel", 1800),
            ("Atlas", 3900),
            ("Field Guide", 2400),
            ("Poetry Collection", 1600),
            ("Sketchbook", 1400),
            ("Journal", 1900),
            ("Travel Guide", 2200),
        ],
    },
    SeedCategory {
        slug: "toys",
        name: "Toys",
        purpose: "play at any age",
        nouns: &[
            ("Puzzle", 2400),
            ("Building Blocks", 3900),
            ("Kite", 2900),
            ("Board Game", 4400),
            ("Plush Bear", 2200),
            ("Wooden Train", 4900),
            ("Yo-Yo", 900),
            ("Marble Run", 5900),
        ],
    },
    SeedCategory {
        slug: "fashion",
        name: "Fashion",
        purpose: "every season",
        nouns: &[
            ("Scarf", 3400),
            ("Sneakers", 8900),
            ("Tote Bag", 2900),
            ("Beanie", 1900),
            ("Rain Jacket", 11900),
            ("Sunglasses", 6900),
            ("Wallet", 4400),
            ("Watch", 14900),
        ],
    },
    SeedCategory {
        slug: "garden",
        name: "Garden",
        purpose: "a greener garden",
        nouns: &[
            ("Watering Can", 2400),
            ("Planter", 2900),
            ("Pruning Shears", 3400),
            ("Seed Kit", 1400),
            ("Bird Feeder", 2700),
            ("Garden Gloves", 1600),
            ("Hose Reel", 5900),
            ("Herb Tray", 1900),
        ],
    },
];

/// Every product, in id order (ids are assigned 1.. in this order).
pub fn products() -> Vec<SeedProduct> {
    let mut products = Vec::new();
    for (c, category) in CATEGORIES.iter().enumerate() {
        for (n, (noun, base)) in category.nouns.iter().enumerate() {
            for variant in 0..2 {
                let (adjective, factor) = ADJECTIVES[(c * 5 + n * 3 + variant * 7) % ADJECTIVES.len()];
                let name = format!("{adjective} {noun}");
                // Prices end in 9 or 5 cents, like a real shelf.
                let price_cents =
                    (base * factor / 100) / 10 * 10 + if (c + n + variant) % 2 == 0 { 9 } else { 5 };
                let description = format!(
                    "The {name} is made for {}. {} finish, built to last, and chosen by our {} team. \
                     Ships in recyclable packaging.",
                    category.purpose,
                    adjective,
                    category.name.to_lowercase()
                );
                let featured_rank = ((n * 2 + variant) * CATEGORIES.len() + c) as i64;
                products.push(SeedProduct {
                    category: c,
                    name,
                    description,
                    price_cents,
                    featured_rank,
                });
            }
        }
    }
    products
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enough_distinct_products_in_every_category() {
        let products = products();
        assert!(products.len() >= 120);
        let mut names: Vec<&str> = products.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), products.len(), "names are unique");
        assert!(CATEGORIES.len() >= 6);
        assert!(products.iter().all(|p| p.price_cents > 0));
    }
}
