//! One product's reviews as the page holds them: what was read last, what the next read asks
//! for (page, order), and the read itself — shared by the components as a small `Copy` struct.

use contracts::reviews::{RatingSummary, ReviewSort, ReviewsPage};
use leptos::prelude::*;

use crate::api::Api;

/// The state of the reviews of one product.
#[derive(Clone, Copy)]
pub struct ReviewsState {
    /// The way to the service.
    pub api: Api,
    /// The product.
    pub product_id: i64,
    /// Someone is signed in.
    pub signed_in: ReadSignal<bool>,
    /// Page to read (1-based).
    pub page: RwSignal<u32>,
    /// Order to read in.
    pub sort: RwSignal<ReviewSort>,
    /// The last page read (kept while the next one loads).
    pub data: RwSignal<Option<ReviewsPage>>,
    /// Why the last read failed (in the shopper's words), until one succeeds.
    pub error: RwSignal<Option<String>>,
    /// A read is on its way.
    pub loading: RwSignal<bool>,
    /// A confirmation for the shopper (e.g. their review was posted).
    pub notice: RwSignal<Option<String>>,
    /// Number of the latest read: an older answer arriving late is dropped.
    generation: RwSignal<u32>,
}

impl ReviewsState {
    /// Fresh state for `product_id` (page 1, newest first, nothing read yet).
    pub fn new(api: Api, product_id: i64, signed_in: ReadSignal<bool>) -> Self {
        Self {
            api,
            product_id,
            signed_in,
            page: RwSignal::new(1),
            sort: RwSignal::new(ReviewSort::default()),
            data: RwSignal::new(None),
            error: RwSignal::new(None),
            loading: RwSignal::new(false),
            notice: RwSignal::new(None),
            generation: RwSignal::new(0),
        }
    }

    /// Reads the current page and shows it; answers the product's rating revision then,
    /// unless the read failed, a newer read overtook it, or the MFE was unmounted meanwhile.
    pub async fn read(self) -> Option<u64> {
        self.generation.try_update(|g| *g += 1)?;
        let generation = self.generation.try_get_untracked()?;
        let page = self.page.try_get_untracked()?;
        let sort = self.sort.try_get_untracked()?;
        self.loading.try_set(true);
        let outcome = self.api.page(self.product_id, page, sort).await;
        if self.generation.try_get_untracked()? != generation {
            return None;
        }
        self.loading.try_set(false);
        match outcome {
            Ok(read) => {
                let revision = read.summary.revision;
                self.error.try_set(None);
                self.data.try_set(Some(read));
                Some(revision)
            }
            Err(error) if error.is_unmounted() => None,
            // No such product: it has no reviews — nothing to alarm the shopper with.
            Err(error) if error.status() == Some(404) => {
                self.error.try_set(None);
                self.data.try_set(Some(self.nothing(sort)));
                None
            }
            Err(error) => {
                self.error.try_set(Some(error.user_message()));
                None
            }
        }
    }

    /// An empty page of reviews.
    fn nothing(self, sort: ReviewSort) -> ReviewsPage {
        ReviewsPage {
            product_id: self.product_id,
            summary: RatingSummary {
                average: 0.0,
                count: 0,
                distribution: [0; 5],
                revision: 0,
            },
            reviews: Vec::new(),
            page: 1,
            total_pages: 1,
            sort,
            mine: None,
        }
    }

    /// Starts [`ReviewsState::read`] without waiting for it.
    pub fn reload(self) {
        leptos::task::spawn_local(async move {
            self.read().await;
        });
    }
}
