//! Reviews' tables: reviews, helpful votes, reports and rating revisions.

use contracts::reviews::{ReviewSort, ReviewView, PAGE_SIZE, REPORTS_TO_HIDE};
use kit::db::Connection;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::domain::review::ValidReview;

/// Who wrote a review.
pub struct Author<'a> {
    /// User id.
    pub user_id: &'a str,
    /// Display name.
    pub name: &'a str,
    /// They bought the product.
    pub verified: bool,
}

/// Columns of a [`ReviewView`] for viewer `$1` (bound first). The flags come back as 0/1, not
/// as booleans: SQLite has none to give, and the pool's driver reads no integer as a `bool`.
const VIEW_COLUMNS: &str = "r.id, r.product_id, r.author, r.rating, r.title, r.body, r.created_at,
     r.edited_at, r.helpful, r.verified, CASE WHEN r.user_id = $1 THEN 1 ELSE 0 END AS mine,
     CASE WHEN EXISTS (SELECT 1 FROM helpful_votes v WHERE v.review_id = r.id AND v.user_id = $1)
          THEN 1 ELSE 0 END AS marked";

fn view(row: &AnyRow) -> ReviewView {
    ReviewView {
        id: row.get(0),
        product_id: row.get(1),
        author: row.get(2),
        rating: row.get::<i64, _>(3).clamp(1, 5) as u8,
        title: row.get(4),
        body: row.get(5),
        created_at: row.get(6),
        edited_at: row.get(7),
        helpful: row.get::<i64, _>(8).max(0) as u32,
        verified_purchase: row.get::<i64, _>(9) != 0,
        mine: row.get::<i64, _>(10) != 0,
        marked_helpful: row.get::<i64, _>(11) != 0,
    }
}

/// Writes `author`'s review of `product_id`, or rewrites it; true when it is new.
pub async fn upsert(
    tx: &mut Connection,
    product_id: i64,
    author: &Author<'_>,
    review: &ValidReview,
    now: &str,
) -> Result<(String, bool), sqlx::Error> {
    let existing: Option<String> =
        sqlx::query_scalar("SELECT id FROM reviews WHERE product_id = $1 AND user_id = $2")
            .bind(product_id)
            .bind(author.user_id)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(id) = existing {
        sqlx::query(
            "UPDATE reviews SET rating = $1, title = $2, body = $3, author = $4, verified = $5, edited_at = $6
             WHERE id = $7",
        )
        .bind(i64::from(review.rating))
        .bind(&review.title)
        .bind(&review.body)
        .bind(author.name)
        .bind(i64::from(author.verified))
        .bind(now)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        return Ok((id, false));
    }
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO reviews (id, product_id, user_id, author, rating, title, body, verified, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(product_id)
    .bind(author.user_id)
    .bind(author.name)
    .bind(i64::from(review.rating))
    .bind(&review.title)
    .bind(&review.body)
    .bind(i64::from(author.verified))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok((id, true))
}

/// Visible reviews of `product_id` with 1..=5 stars.
pub async fn star_counts(conn: &mut Connection, product_id: i64) -> Result<[u32; 5], sqlx::Error> {
    let rows = sqlx::query(
        "SELECT rating, COUNT(*) FROM reviews WHERE product_id = $1 AND hidden = 0 GROUP BY rating",
    )
    .bind(product_id)
    .fetch_all(conn)
    .await?;
    let mut counts = [0u32; 5];
    for row in rows {
        let stars: i64 = row.get(0);
        if let Some(slot) = usize::try_from(stars - 1).ok().and_then(|i| counts.get_mut(i)) {
            *slot = row.get::<i64, _>(1).max(0) as u32;
        }
    }
    Ok(counts)
}

/// The current rating revision of `product_id` (0 before its first review).
pub async fn revision(conn: &mut Connection, product_id: i64) -> Result<u64, sqlx::Error> {
    let revision: Option<i64> =
        sqlx::query_scalar("SELECT revision FROM rating_revisions WHERE product_id = $1")
            .bind(product_id)
            .fetch_optional(conn)
            .await?;
    Ok(revision.unwrap_or(0).max(0) as u64)
}

/// The next rating revision of `product_id` (1 for the first change).
pub async fn next_revision(tx: &mut Connection, product_id: i64) -> Result<u64, sqlx::Error> {
    let revision: i64 = sqlx::query_scalar(
        "INSERT INTO rating_revisions (product_id, revision) VALUES ($1, 1)
         ON CONFLICT (product_id) DO UPDATE SET revision = rating_revisions.revision + 1
         RETURNING revision",
    )
    .bind(product_id)
    .fetch_one(tx)
    .await?;
    Ok(revision.max(0) as u64)
}

/// One visible review as `viewer` sees it.
pub async fn review(
    conn: &mut Connection,
    id: &str,
    viewer: &str,
) -> Result<Option<ReviewView>, sqlx::Error> {
    let sql = format!("SELECT {VIEW_COLUMNS} FROM reviews r WHERE r.id = $2 AND r.hidden = 0");
    let row = sqlx::query(&sql)
        .bind(viewer)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.as_ref().map(view))
}

/// `viewer`'s own review of `product_id`, if visible.
pub async fn mine(
    conn: &mut Connection,
    product_id: i64,
    viewer: &str,
) -> Result<Option<ReviewView>, sqlx::Error> {
    let sql = format!(
        "SELECT {VIEW_COLUMNS} FROM reviews r WHERE r.product_id = $2 AND r.user_id = $1 AND r.hidden = 0"
    );
    let row = sqlx::query(&sql)
        .bind(viewer)
        .bind(product_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.as_ref().map(view))
}

/// Page `page` (1-based) of `product_id`'s visible reviews in `sort` order, and the number of
/// visible reviews.
pub async fn page(
    conn: &mut Connection,
    product_id: i64,
    sort: ReviewSort,
    page: u32,
    viewer: &str,
) -> Result<Vec<ReviewView>, sqlx::Error> {
    let order = match sort {
        ReviewSort::Newest => "r.created_at DESC, r.id DESC",
        ReviewSort::Helpful => "r.helpful DESC, r.created_at DESC, r.id DESC",
    };
    let sql = format!(
        "SELECT {VIEW_COLUMNS} FROM reviews r WHERE r.product_id = $2 AND r.hidden = 0
         ORDER BY {order} LIMIT $3 OFFSET $4"
    );
    let offset = i64::from(page.saturating_sub(1)) * i64::from(PAGE_SIZE);
    let rows = sqlx::query(&sql)
        .bind(viewer)
        .bind(product_id)
        .bind(i64::from(PAGE_SIZE))
        .bind(offset)
        .fetch_all(conn)
        .await?;
    Ok(rows.iter().map(view).collect())
}

/// The product and author of a visible review.
pub async fn owner_of(conn: &mut Connection, id: &str) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT product_id, user_id FROM reviews WHERE id = $1 AND hidden = 0")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

/// Records `user_id`'s helpful vote once; true if it is new.
pub async fn vote_helpful(tx: &mut Connection, id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
    let added =
        sqlx::query("INSERT INTO helpful_votes (review_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if added == 1 {
        sqlx::query("UPDATE reviews SET helpful = helpful + 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(added == 1)
}

/// Records `user_id`'s report once; true if the review has just been hidden by it.
pub async fn report(tx: &mut Connection, id: &str, user_id: &str, now: &str) -> Result<bool, sqlx::Error> {
    let added = sqlx::query(
        "INSERT INTO reports (review_id, user_id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if added == 0 {
        return Ok(false);
    }
    let hidden = sqlx::query(
        "UPDATE reviews SET hidden = 1
         WHERE id = $1 AND hidden = 0 AND (SELECT COUNT(*) FROM reports WHERE review_id = $1) >= $2",
    )
    .bind(id)
    .bind(i64::from(REPORTS_TO_HIDE))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(hidden == 1)
}
