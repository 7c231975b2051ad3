//! The catalog's SQL: every query the service runs, behind typed functions.

use contracts::catalog::{
    Category, Money, PriceQuote, ProductDetail, ProductRating, ProductSort, ProductSummary,
};
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use crate::domain::query::ListQuery;
use crate::domain::rating::KnownRating;
use crate::domain::seed;

/// Image URL of a product relative to the API base (the browser prefixes `/api`).
pub fn image_url(id: i64) -> String {
    format!("/catalog/products/{id}/image.svg")
}

/// Fills an empty database with the demo assortment, in one transaction (idempotent: the
/// count and the inserts are one writer's turn, `BEGIN IMMEDIATE`).
#[tracing::instrument(skip_all)]
pub async fn seed_if_empty(db: &SqlitePool) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_with("BEGIN IMMEDIATE").await?;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM products")
        .fetch_one(&mut *tx)
        .await?;
    if count > 0 {
        return Ok(());
    }
    for (i, category) in seed::CATEGORIES.iter().enumerate() {
        sqlx::query("INSERT INTO categories (id, slug, name) VALUES (?, ?, ?)")
            .bind(i as i64 + 1)
            .bind(category.slug)
            .bind(category.name)
            .execute(&mut *tx)
            .await?;
    }
    for product in seed::products() {
        sqlx::query(
            "INSERT INTO products (category_id, name, description, price_cents, featured_rank) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(product.category as i64 + 1)
        .bind(&product.name)
        .bind(&product.description)
        .bind(product.price_cents)
        .bind(product.featured_rank)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    tracing::info!("seeded the demo catalog");
    Ok(())
}

/// The columns of a product summary, rating included (`r` is `product_ratings`, joined left).
const SUMMARY_COLUMNS: &str = "p.id, p.name, c.slug, p.price_cents, \
     COALESCE(r.average, 0.0) AS average, COALESCE(r.count, 0) AS count, COALESCE(r.revision, 0) AS revision";

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    name: String,
    slug: String,
    price_cents: i64,
    average: f64,
    count: i64,
    revision: i64,
}

impl From<SummaryRow> for ProductSummary {
    fn from(row: SummaryRow) -> Self {
        ProductSummary {
            id: row.id,
            name: row.name,
            category: row.slug,
            price: Money::eur(row.price_cents),
            image_url: image_url(row.id),
            rating: ProductRating {
                average: row.average,
                count: row.count.max(0) as u32,
                revision: row.revision.max(0) as u64,
            },
        }
    }
}

/// One page of products matching `query`, and how many match in all.
#[tracing::instrument(skip(db))]
pub async fn list(db: &SqlitePool, query: &ListQuery) -> Result<(Vec<ProductSummary>, u64), sqlx::Error> {
    if query.search.as_ref().is_some_and(|s| s.fts_query.is_empty()) {
        return Ok((Vec::new(), 0));
    }
    let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) ");
    filtered_from(&mut count, query);
    let total: i64 = count.build_query_scalar().fetch_one(db).await?;

    let mut select = QueryBuilder::<Sqlite>::new(format!("SELECT {SUMMARY_COLUMNS} "));
    filtered_from(&mut select, query);
    select.push(" ORDER BY ").push(order_by(query));
    select
        .push(" LIMIT ")
        .push_bind(i64::from(query.limit))
        .push(" OFFSET ")
        .push_bind(query.offset());
    let rows: Vec<SummaryRow> = select.build_query_as().fetch_all(db).await?;
    Ok((rows.into_iter().map(Into::into).collect(), total.max(0) as u64))
}

fn filtered_from(sql: &mut QueryBuilder<'_, Sqlite>, query: &ListQuery) {
    sql.push(
        "FROM products p JOIN categories c ON c.id = p.category_id \
         LEFT JOIN product_ratings r ON r.product_id = p.id",
    );
    if query.search.is_some() {
        sql.push(" JOIN products_fts ON products_fts.rowid = p.id");
    }
    sql.push(" WHERE 1 = 1");
    if let Some(category) = &query.category {
        sql.push(" AND c.slug = ").push_bind(category.clone());
    }
    if let Some(search) = &query.search {
        sql.push(" AND products_fts MATCH ")
            .push_bind(search.fts_query.clone());
    }
}

fn order_by(query: &ListQuery) -> &'static str {
    match (query.sort, query.search.is_some()) {
        (ProductSort::Relevance, true) => "bm25(products_fts), p.id",
        (ProductSort::Relevance, false) => "p.featured_rank, p.id",
        (ProductSort::PriceAsc, _) => "p.price_cents, p.id",
        (ProductSort::PriceDesc, _) => "p.price_cents DESC, p.id",
        (ProductSort::NameAsc, _) => "p.name COLLATE NOCASE, p.id",
        (ProductSort::NameDesc, _) => "p.name COLLATE NOCASE DESC, p.id",
        (ProductSort::RatingDesc, _) => "COALESCE(r.average, 0) DESC, COALESCE(r.count, 0) DESC, p.id",
    }
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    category_name: String,
    description: String,
}

/// One product with its description, if it exists.
#[tracing::instrument(skip(db))]
pub async fn product(db: &SqlitePool, id: i64) -> Result<Option<ProductDetail>, sqlx::Error> {
    let row: Option<DetailRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS}, c.name AS category_name, p.description \
         FROM products p JOIN categories c ON c.id = p.category_id \
         LEFT JOIN product_ratings r ON r.product_id = p.id WHERE p.id = ?"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| ProductDetail {
        summary: r.summary.into(),
        category_name: r.category_name,
        description: r.description,
    }))
}

/// Keeps `known` unless the copy already holds this revision or a newer one; returns whether
/// it changed anything (a repeated or late event does not).
#[tracing::instrument(skip(db))]
pub async fn keep_rating(db: &SqlitePool, known: &KnownRating) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "INSERT INTO product_ratings (product_id, average, count, revision) VALUES (?, ?, ?, ?) \
         ON CONFLICT (product_id) DO UPDATE SET \
           average = excluded.average, count = excluded.count, revision = excluded.revision \
         WHERE excluded.revision > product_ratings.revision",
    )
    .bind(known.product_id)
    .bind(known.rating.average)
    .bind(i64::from(known.rating.count))
    .bind(i64::try_from(known.rating.revision).unwrap_or(i64::MAX))
    .execute(db)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// The id of the rating copy this database holds, made on first use (`fresh_id` is taken
/// only then).
pub async fn projection_copy_id(db: &SqlitePool, fresh_id: &str) -> Result<String, sqlx::Error> {
    sqlx::query("INSERT OR IGNORE INTO projection_copy (only_row, copy_id) VALUES (1, ?)")
        .bind(fresh_id)
        .execute(db)
        .await?;
    sqlx::query_scalar("SELECT copy_id FROM projection_copy WHERE only_row = 1")
        .fetch_one(db)
        .await
}

/// The name and category number of a product, for its image.
#[tracing::instrument(skip(db))]
pub async fn image_subject(db: &SqlitePool, id: i64) -> Result<Option<(String, usize)>, sqlx::Error> {
    let row: Option<(String, i64)> = sqlx::query_as("SELECT name, category_id FROM products WHERE id = ?")
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|(name, category)| (name, (category - 1).max(0) as usize)))
}

/// Every category with its product count, in display order.
#[tracing::instrument(skip(db))]
pub async fn categories(db: &SqlitePool) -> Result<Vec<Category>, sqlx::Error> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT c.slug, c.name, COUNT(p.id) FROM categories c LEFT JOIN products p ON p.category_id = c.id \
         GROUP BY c.id ORDER BY c.id",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(slug, name, count)| Category {
            slug,
            name,
            product_count: count.max(0) as u32,
        })
        .collect())
}

/// Current prices of the given products (unknown ids are simply absent).
#[tracing::instrument(skip(db, ids), fields(count = ids.len()))]
pub async fn prices(db: &SqlitePool, ids: &[i64]) -> Result<Vec<PriceQuote>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = QueryBuilder::<Sqlite>::new("SELECT id, name, price_cents FROM products WHERE id IN (");
    let mut list = sql.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    sql.push(")");
    let rows: Vec<(i64, String, i64)> = sql.build_query_as().fetch_all(db).await?;
    Ok(rows
        .into_iter()
        .map(|(product_id, name, cents)| PriceQuote {
            product_id,
            name,
            price: Money::eur(cents),
        })
        .collect())
}
