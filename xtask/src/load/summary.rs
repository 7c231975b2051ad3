//! The summary of a run per step — count, requests/s, p50, p99, errors and their kinds — as
//! an aligned table for the terminal and as Markdown for BENCHMARKS.md.

use super::stats::Row;

const HEADER: [&str; 7] = ["step", "count", "rps", "p50", "p99", "errors", "error kinds"];

fn cells(row: &Row) -> [String; 7] {
    [
        row.step.name().to_string(),
        row.count.to_string(),
        format!("{:.1}", row.rps),
        format!("{:.1} ms", row.p50_ms),
        format!("{:.1} ms", row.p99_ms),
        row.errors.to_string(),
        row.kinds_text(),
    ]
}

/// The rows as a table whose columns line up in a terminal (numbers right-aligned).
pub fn text_table(rows: &[Row]) -> String {
    let lines: Vec<[String; 7]> = std::iter::once(HEADER.map(String::from))
        .chain(rows.iter().map(cells))
        .collect();
    let width = |column: usize| {
        lines
            .iter()
            .map(|line| line[column].chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..HEADER.len()).map(width).collect();
    let mut out = String::new();
    for line in &lines {
        let mut text = String::from(" ");
        for (column, cell) in line.iter().enumerate() {
            let pad = " ".repeat(widths[column] - cell.chars().count());
            // The step and the error kinds read left to right; the figures line up on the right.
            if column == 0 || column == HEADER.len() - 1 {
                text.push_str(&format!(" {cell}{pad} "));
            } else {
                text.push_str(&format!(" {pad}{cell} "));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

/// The rows as a Markdown table.
pub fn markdown_table(rows: &[Row]) -> String {
    let mut out = format!("| {} |\n|---|---|---|---|---|---|---|\n", HEADER.join(" | "));
    for row in rows {
        let [step, count, rps, p50, p99, errors, kinds] = cells(row);
        let kinds = if kinds.is_empty() {
            "—".to_string()
        } else {
            kinds
        };
        out.push_str(&format!(
            "| {step} | {count} | {rps} | {p50} | {p99} | {errors} | {kinds} |\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::stats::Step;

    fn rows() -> Vec<Row> {
        vec![
            Row {
                step: Step::Product,
                count: 1200,
                rps: 20.0,
                p50_ms: 3.25,
                p99_ms: 41.0,
                errors: 0,
                kinds: vec![],
            },
            Row {
                step: Step::PlaceOrder,
                count: 60,
                rps: 1.0,
                p50_ms: 12.0,
                p99_ms: 120.5,
                errors: 2,
                kinds: vec![("503".into(), 2)],
            },
        ]
    }

    #[test]
    fn the_terminal_table_lines_up_its_columns() {
        let table = text_table(&rows());
        assert_eq!(
            table,
            "  step         count   rps      p50       p99  errors  error kinds\n\
            \x20 product       1200  20.0   3.2 ms   41.0 ms       0\n\
            \x20 place order     60   1.0  12.0 ms  120.5 ms       2  503 ×2\n"
        );
    }

    #[test]
    fn the_markdown_table_has_a_row_per_step_and_a_dash_for_no_errors() {
        let table = markdown_table(&rows());
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines[0],
            "| step | count | rps | p50 | p99 | errors | error kinds |"
        );
        assert_eq!(lines[2], "| product | 1200 | 20.0 | 3.2 ms | 41.0 ms | 0 | — |");
        assert_eq!(
            lines[3],
            "| place order | 60 | 1.0 | 12.0 ms | 120.5 ms | 2 | 503 ×2 |"
        );
    }
}
