//! SQL put together at run time (a list of values, optional filters, several statements in one
//! go), with each bound value's placeholder written the way the connection's database wants.
//!
//! sqlx's own `QueryBuilder<Any>` writes `?` for every bind, which PostgreSQL refuses, and
//! PostgreSQL runs one statement per prepared query while SQLite takes several in one round
//! trip. [`SqlBuilder`] hides both: on SQLite the statements go as one query, on PostgreSQL
//! one after another on the same connection (inside the caller's transaction).

use std::fmt::Write;

use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Encode, Type};

use super::{Connection, Dialect};

/// One or more statements with their bound values, for one dialect.
pub struct SqlBuilder<'q> {
    dialect: Dialect,
    done: Vec<(String, AnyArguments<'q>)>,
    sql: String,
    args: AnyArguments<'q>,
}

impl<'q> SqlBuilder<'q> {
    /// Starts the first statement with `sql`, for `dialect`.
    pub fn new(dialect: Dialect, sql: &str) -> Self {
        Self {
            dialect,
            done: Vec::new(),
            sql: sql.to_string(),
            args: AnyArguments::default(),
        }
    }

    /// Starts the first statement with `sql`, for the database `conn` talks to.
    pub fn for_connection(conn: &Connection, sql: &str) -> Self {
        Self::new(Dialect::of(conn), sql)
    }

    /// Appends SQL text.
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'q + Encode<'q, Any> + Type<Any>,
    {
        if let Err(err) = self.args.add(value) {
            // Only a value that cannot encode itself fails; sqlx reports it when the query runs.
            tracing::error!(error = %err, "a value could not be bound");
        }
        match self.dialect {
            Dialect::Sqlite => self.sql.push('?'),
            // Writing to a String cannot fail.
            Dialect::Postgres => drop(write!(self.sql, "${}", self.args.len())),
        }
        self
    }

    /// Appends `(v1, v2, …)` with a placeholder for each of `values`.
    pub fn push_list<T, I>(&mut self, values: I) -> &mut Self
    where
        I: IntoIterator<Item = T>,
        T: 'q + Encode<'q, Any> + Type<Any>,
    {
        self.push("(");
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push_bind(value);
        }
        self.push(")")
    }

    /// Ends the current statement and starts the next with `sql`.
    pub fn next_statement(&mut self, sql: &str) -> &mut Self {
        match self.dialect {
            Dialect::Sqlite => {
                self.sql.push_str("; ");
                self.sql.push_str(sql);
            }
            Dialect::Postgres => {
                let sql = std::mem::replace(&mut self.sql, sql.to_string());
                let args = std::mem::take(&mut self.args);
                self.done.push((sql, args));
            }
        }
        self
    }

    /// Runs every statement on `conn`, in order; returns the rows the last one affected.
    pub async fn execute(self, conn: &mut Connection) -> Result<u64, sqlx::Error> {
        let (sql, args) = self.run_all_but_last(conn).await?;
        let result = sqlx::query_with(&sql, args).execute(&mut *conn).await?;
        Ok(result.rows_affected())
    }

    /// Runs every statement on `conn`, in order; returns the rows the last one affected, not
    /// the sum: SQLite reports a statement that changes nothing (`BEGIN`) with the count of
    /// the last one that did.
    pub async fn execute_counting_last(self, conn: &mut Connection) -> Result<u64, sqlx::Error> {
        use futures::TryStreamExt;
        let (sql, args) = self.run_all_but_last(conn).await?;
        let mut results = sqlx::Executor::fetch_many(&mut *conn, sqlx::query_with(&sql, args));
        let mut last = 0;
        while let Some(step) = results.try_next().await? {
            if let sqlx::Either::Left(done) = step {
                last = done.rows_affected();
            }
        }
        Ok(last)
    }

    /// Runs every statement on `conn`, in order, and returns the rows they give (on SQLite,
    /// where they run as one, the rows of all of them).
    pub async fn fetch_all(self, conn: &mut Connection) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
        let (sql, args) = self.run_all_but_last(conn).await?;
        sqlx::query_with(&sql, args).fetch_all(&mut *conn).await
    }

    /// Runs every statement but the last on `conn` (only PostgreSQL has those: SQLite gets
    /// one joined query) and returns the last, for the caller to run as it needs.
    async fn run_all_but_last(
        self,
        conn: &mut Connection,
    ) -> Result<(String, AnyArguments<'q>), sqlx::Error> {
        for (sql, args) in self.done {
            sqlx::query_with(&sql, args).execute(&mut *conn).await?;
        }
        Ok((self.sql, self.args))
    }

    /// The single statement built, its SQL and values, for `sqlx::query_with` and friends
    /// (fetching rows). `None` if [`Self::next_statement`] made several.
    pub fn into_single(self) -> Option<(String, AnyArguments<'q>)> {
        self.done.is_empty().then_some((self.sql, self.args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_dialect() {
        for (dialect, expected) in [
            (Dialect::Sqlite, "SELECT 1 WHERE a = ? AND b IN (?, ?)"),
            (Dialect::Postgres, "SELECT 1 WHERE a = $1 AND b IN ($2, $3)"),
        ] {
            let mut sql = SqlBuilder::new(dialect, "SELECT 1 WHERE a = ");
            sql.push_bind(1_i64).push(" AND b IN ").push_list(["x", "y"]);
            let (text, args) = sql.into_single().expect("one statement");
            assert_eq!(text, expected);
            assert_eq!(args.len(), 3);
        }
    }

    #[test]
    fn postgres_numbers_each_statement_from_one() {
        let mut sql = SqlBuilder::new(Dialect::Postgres, "INSERT INTO a VALUES (");
        sql.push_bind(1_i64)
            .push(")")
            .next_statement("INSERT INTO b VALUES (");
        sql.push_bind(2_i64).push(")");
        assert_eq!(sql.done[0].0, "INSERT INTO a VALUES ($1)");
        assert_eq!(sql.sql, "INSERT INTO b VALUES ($1)");
        assert!(sql.into_single().is_none());
    }

    #[test]
    fn sqlite_joins_statements_into_one_round_trip() {
        let mut sql = SqlBuilder::new(Dialect::Sqlite, "INSERT INTO a VALUES (");
        sql.push_bind(1_i64)
            .push(")")
            .next_statement("INSERT INTO b VALUES (");
        sql.push_bind(2_i64).push(")");
        let (text, args) = sql.into_single().expect("joined");
        assert_eq!(text, "INSERT INTO a VALUES (?); INSERT INTO b VALUES (?)");
        assert_eq!(args.len(), 2);
    }
}
