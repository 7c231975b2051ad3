//! The partner API: keys and tiers, the admin DTOs identity answers, the `identity.partner-key`
//! lookup the gateway asks, and the stable `/partner/v1/…` shapes partners read.
//!
//! The v1 types are deliberately not the catalog's own DTOs: the gateway maps catalog's answers
//! onto them (docs/decisions/0017-partner-api.md), so the catalog may rename, add or drop a
//! field while v1 stays as published. A change partners would notice is a `v2`, never an edit.

use serde::{Deserialize, Serialize};

use crate::subjects::NatsRequest;

/// The header a partner sends its key in.
pub const API_KEY_HEADER: &str = "x-api-key";

/// Every key starts with this, so a leaked one is recognisable (secret scanners, logs).
pub const KEY_PREFIX: &str = "mk_live_";

/// Length of a whole key: the prefix and 32 random bytes in unpadded base64url (43 characters).
pub const KEY_LENGTH: usize = KEY_PREFIX.len() + 43;

/// Identity answers which partner a key hash belongs to: [`PartnerKeyLookup`].
pub const IDENTITY_PARTNER_KEY: &str = "identity.partner-key";

/// The longest partner name an admin may give a key.
pub const MAX_PARTNER_NAME_CHARS: usize = 100;

/// What a key is allowed: its tier decides its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// Trying the API out.
    Free,
    /// A contracted partner.
    Partner,
}

impl Tier {
    /// Every tier.
    pub const ALL: [Tier; 2] = [Tier::Free, Tier::Partner];

    /// The wire and database form.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Free => "free",
            Tier::Partner => "partner",
        }
    }

    /// Parses the wire form; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|tier| tier.as_str() == text)
    }

    /// The published limits of the tier (the gateway may be configured otherwise).
    pub fn default_limits(self) -> TierLimits {
        match self {
            Tier::Free => TierLimits {
                per_second: 5,
                burst: 5,
                daily: 1_000,
            },
            Tier::Partner => TierLimits {
                per_second: 100,
                burst: 100,
                daily: 100_000,
            },
        }
    }
}

/// The limits of one tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TierLimits {
    /// Sustained requests per second.
    pub per_second: u32,
    /// Requests that may arrive at once.
    pub burst: u32,
    /// Requests per UTC day.
    pub daily: u64,
}

/// `POST /admin/partner-keys` on identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IssueKeyRequest {
    /// Who the key is for, 1 to 100 characters.
    pub partner: String,
    /// Its tier.
    pub tier: Tier,
}

/// A key as listed: never its secret, which identity does not keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PartnerKeyView {
    /// The key's id (what metrics and logs name it by).
    pub id: String,
    /// Who it is for.
    pub partner: String,
    /// Its tier.
    pub tier: Tier,
    /// The key's first characters (`mk_live_AbCd`), so a person can tell keys apart.
    pub hint: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// When it was revoked, RFC 3339 UTC; absent while it works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

/// The answer to an issue: the key's plaintext, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IssuedKey {
    /// The whole key (`mk_live_…`); identity keeps only its SHA-256.
    pub key: String,
    /// What a listing shows of it from now on.
    #[serde(flatten)]
    pub view: PartnerKeyView,
}

/// `GET /admin/partner-keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PartnerKeyList {
    /// Every key, newest first, revoked ones included.
    pub keys: Vec<PartnerKeyView>,
}

/// `identity.partner-key`: whose is the key with this hash, and how much of today has it used?
/// Also carries the asking gateway's count since its last question (batched increments).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerKeyLookup {
    /// SHA-256 (hex) of the key as sent.
    pub key_hash: String,
    /// The UTC day (days since 1970-01-01) whose usage the reply should tell.
    pub today: i64,
    /// Requests this gateway admitted for the key since it last asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<UsageReport>,
}

/// Requests admitted on one UTC day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageReport {
    /// Days since 1970-01-01, UTC.
    pub day: i64,
    /// Requests.
    pub count: u64,
}

/// The answer to [`PartnerKeyLookup`]: `None` for an unknown or revoked key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerKeyReply {
    /// The key, when it works.
    pub key: Option<PartnerKeyGrant>,
}

/// A working key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerKeyGrant {
    /// The key's id.
    pub id: String,
    /// Who it is for.
    pub partner: String,
    /// Its tier.
    pub tier: Tier,
    /// Requests counted for it on `today`, every gateway's reports included.
    pub used_today: u64,
}

impl NatsRequest for PartnerKeyLookup {
    const SUBJECT: &'static str = IDENTITY_PARTNER_KEY;
    type Reply = PartnerKeyReply;
}

/// `/partner/v1/products/{id}` and each item of a list: a product as partners see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PartnerProduct {
    /// Stable id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// The category's slug (what `?category=` filters by).
    pub category: String,
    /// Current price.
    pub price: PartnerPrice,
    /// Absolute path of the product's image on this host (`/api/catalog/products/7/image.svg`).
    pub image_url: String,
    /// Shoppers' rating.
    pub rating: PartnerRating,
}

/// A product with what its page says, for `/partner/v1/products/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PartnerProductDetail {
    /// What a list item has.
    #[serde(flatten)]
    pub product: PartnerProduct,
    /// Display name of the category.
    pub category_name: String,
    /// Plain text.
    pub description: String,
}

/// A price in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PartnerPrice {
    /// Minor units: 1999 is 19.99.
    pub amount_minor: i64,
    /// ISO 4217 code, e.g. `EUR`.
    pub currency: String,
}

/// A rating: mean stars and how many reviews.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PartnerRating {
    /// Mean stars, 0 without reviews.
    pub average: f64,
    /// Reviews counted.
    pub count: u32,
}

/// `/partner/v1/products`: one page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PartnerProductPage {
    /// The products.
    pub data: Vec<PartnerProduct>,
    /// Where this page is.
    pub paging: PartnerPaging,
}

/// Paging of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PartnerPaging {
    /// 1-based page.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
    /// Items over all pages.
    pub total_items: u64,
    /// Pages (at least 1).
    pub total_pages: u32,
}

/// Largest `per_page` v1 accepts.
pub const MAX_PER_PAGE: u32 = 100;
/// `per_page` when none is given.
pub const DEFAULT_PER_PAGE: u32 = 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lookup_subject_is_answered_not_stored() {
        assert!(crate::messaging::stream_for(IDENTITY_PARTNER_KEY).is_none());
    }

    #[test]
    fn tiers_round_trip_and_key_length_is_fixed() {
        for tier in Tier::ALL {
            assert_eq!(Tier::parse(tier.as_str()), Some(tier));
            assert_eq!(
                serde_json::to_string(&tier).unwrap(),
                format!("\"{}\"", tier.as_str())
            );
        }
        assert_eq!(KEY_LENGTH, 51);
    }

    #[test]
    fn v1_product_json_shape_is_stable() {
        let detail = PartnerProductDetail {
            product: PartnerProduct {
                id: 7,
                name: "Kettle".into(),
                category: "kitchen".into(),
                price: PartnerPrice {
                    amount_minor: 2999,
                    currency: "EUR".into(),
                },
                image_url: "/api/catalog/products/7/image.svg".into(),
                rating: PartnerRating {
                    average: 4.5,
                    count: 2,
                },
            },
            category_name: "Kitchen".into(),
            description: "Boils.".into(),
        };
        assert_eq!(
            serde_json::to_value(&detail).unwrap(),
            serde_json::json!({
                "id": 7, "name": "Kettle", "category": "kitchen",
                "price": {"amountMinor": 2999, "currency": "EUR"},
                "imageUrl": "/api/catalog/products/7/image.svg",
                "rating": {"average": 4.5, "count": 2},
                "categoryName": "Kitchen", "description": "Boils."
            })
        );
    }
}
