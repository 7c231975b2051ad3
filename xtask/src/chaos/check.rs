//! The chaos run's verdict, read from each service's own database once the load has settled:
//! every order PAID or CANCELLED exactly once, stock conserved, one charge per paid order and
//! none for a cancelled one, carts empty.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use sqlx::Row;

use super::driver::{Intent, Outcome};

/// On-hand stock per product.
pub type Stock = BTreeMap<i64, i64>;

/// Opens a service's SQLite database in `data_dir` to read it (the service may still run;
/// not `read_only`, which cannot open a WAL database before its `-shm` file exists).
async fn open(data_dir: &Path, service: &str) -> Result<SqlitePool> {
    let options = SqliteConnectOptions::new().filename(data_dir.join(format!("{service}.db")));
    SqlitePool::connect_with(options)
        .await
        .with_context(|| format!("opening {service}'s database"))
}

/// The on-hand stock of every product now.
pub async fn stock(data_dir: &Path) -> Result<Stock> {
    let db = open(data_dir, "inventory").await?;
    let rows = sqlx::query("SELECT product_id, on_hand FROM stock")
        .fetch_all(&db)
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// What was found; empty `problems` is a pass.
#[derive(Debug, Default)]
pub struct Verdict {
    /// Orders by final status.
    pub by_status: BTreeMap<String, usize>,
    /// Units sold (in PAID or SHIPPED orders).
    pub sold: i64,
    /// Every broken invariant, one line each.
    pub problems: Vec<String>,
}

/// Checks the stores against what the load did and the stock it started from.
pub async fn verdict(data_dir: &Path, outcome: &Outcome, initial: &Stock) -> Result<Verdict> {
    let mut verdict = Verdict::default();
    let orders = open(data_dir, "orders").await?;
    let payments = open(data_dir, "payments").await?;
    let statuses: HashMap<String, (String, String)> = sqlx::query("SELECT id, status, user_id FROM orders")
        .fetch_all(&orders)
        .await?
        .iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2))))
        .collect();
    if statuses.len() != outcome.placed.len() {
        verdict.problems.push(format!(
            "{} orders placed, {} in the orders database (lost or doubled)",
            outcome.placed.len(),
            statuses.len()
        ));
    }
    let history = counts(&orders, "SELECT order_id || ' ' || status, COUNT(*) FROM order_history WHERE status IN ('PAID', 'CANCELLED') GROUP BY order_id, status").await?;
    let charged = counts(&payments, "SELECT client_reference_id, COUNT(*) FROM sandbox_sessions WHERE payment_status = 'paid' GROUP BY client_reference_id").await?;
    let sessions_paid = counts(
        &payments,
        "SELECT order_id, COUNT(*) FROM sessions WHERE status = 'PAID' GROUP BY order_id",
    )
    .await?;
    for placed in &outcome.placed {
        let id = &placed.order_id;
        let Some((status, _)) = statuses.get(id) else {
            verdict
                .problems
                .push(format!("order {id} is not in the orders database"));
            continue;
        };
        *verdict.by_status.entry(status.clone()).or_default() += 1;
        let paid = matches!(status.as_str(), "PAID" | "SHIPPED");
        let times = |s: &str| history.get(&format!("{id} {s}")).copied().unwrap_or(0);
        let expected = match placed.intent {
            Intent::Pay => paid,
            Intent::Decline | Intent::Rejected => status == "CANCELLED",
        };
        if !expected {
            verdict.problems.push(format!(
                "order {id}: shopper did {:?}, order is {status}",
                placed.intent
            ));
        }
        let (paid_times, cancelled_times) = (times("PAID"), times("CANCELLED"));
        if paid && (paid_times, cancelled_times) != (1, 0) || !paid && (paid_times, cancelled_times) != (0, 1)
        {
            verdict.problems.push(format!(
                "order {id} ({status}) became PAID {paid_times}× and CANCELLED {cancelled_times}×"
            ));
        }
        let charges = charged.get(id).copied().unwrap_or(0);
        let recorded = sessions_paid.get(id).copied().unwrap_or(0);
        if (paid && (charges, recorded) != (1, 1)) || (!paid && (charges, recorded) != (0, 0)) {
            verdict.problems.push(format!(
                "order {id} ({status}): {charges} charge(s) at the provider, {recorded} paid session(s) in payments"
            ));
        }
    }
    check_stock(data_dir, &orders, initial, &mut verdict).await?;
    check_carts(data_dir, &mut verdict).await?;
    Ok(verdict)
}

/// Stock conserved: what each product had = what it has + what PAID orders took, and nothing
/// is still held for an order.
async fn check_stock(
    data_dir: &Path,
    orders: &SqlitePool,
    initial: &Stock,
    verdict: &mut Verdict,
) -> Result<()> {
    let sold = counts(orders, "SELECT CAST(l.product_id AS TEXT), SUM(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status IN ('PAID', 'SHIPPED') GROUP BY l.product_id").await?;
    let now = stock(data_dir).await?;
    for (product, before) in initial {
        let sold_here = sold.get(&product.to_string()).copied().unwrap_or(0) as i64;
        let left = now.get(product).copied().unwrap_or(0);
        verdict.sold += sold_here;
        if before - left != sold_here {
            verdict.problems.push(format!(
                "product {product}: {before} at the start, {left} left, {sold_here} sold"
            ));
        }
    }
    let inventory = open(data_dir, "inventory").await?;
    let held: i64 = sqlx::query_scalar("SELECT COALESCE(SUM(reserved), 0) FROM stock")
        .fetch_one(&inventory)
        .await?;
    if held != 0 {
        verdict
            .problems
            .push(format!("{held} units still reserved after every order settled"));
    }
    Ok(())
}

/// Every shopper's cart is empty: a paid order took its line out, and the shopper removed the
/// line of a cancelled one.
async fn check_carts(data_dir: &Path, verdict: &mut Verdict) -> Result<()> {
    let cart = open(data_dir, "cart").await?;
    let lines: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cart_lines l JOIN carts c ON c.id = l.cart_id WHERE c.user_id IS NOT NULL",
    )
    .fetch_one(&cart)
    .await?;
    if lines != 0 {
        verdict
            .problems
            .push(format!("{lines} cart line(s) left in shoppers' carts"));
    }
    Ok(())
}

/// `key → count` rows of a two-column query.
async fn counts(db: &SqlitePool, sql: &str) -> Result<HashMap<String, usize>> {
    let rows = sqlx::query(sql)
        .fetch_all(db)
        .await
        .with_context(|| sql.to_string())?;
    Ok(rows
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1) as usize))
        .collect())
}
