//! Runs of equal rows in text columns.
//!
//! A score frame comes in runs of one (task, filter, metric): a reader writes
//! one file, one filter at a time. [`run_starts`] finds where each run starts
//! over several columns at once. Columns that hand over their string views
//! ([`TextColumn::views`]) compare a short row as one integer and a longer one
//! by its length and first bytes before its bytes; others compare [`Key`]s row
//! by row. A null anywhere gives `None`: the caller's general path decides.

use super::TextColumn;
use super::key::{Key, SHORT};

/// Whether rows `i` and `j` of `column`, with views `x` and `y`, hold the
/// same bytes; None when a long row's bytes cannot be read.
#[inline(always)]
fn same_by_view<C: TextColumn + ?Sized>(
    x: u128,
    y: u128,
    column: &C,
    i: usize,
    j: usize,
) -> Option<bool> {
    let len = x as u32;
    if len != y as u32 {
        return Some(false);
    }
    if len as usize <= SHORT {
        return Some(Key::of_view(x) == Key::of_view(y));
    }
    // Long rows: their first four bytes sit in the view, the rest in a buffer.
    if (x >> 32) as u32 != (y >> 32) as u32 {
        return Some(false);
    }
    Some(column.get(i)? == column.get(j)?)
}

/// The rows at which some column of `columns` differs from the row before
/// (row 0 first, nothing for no rows); None when a row is null or the columns
/// differ in length.
pub fn run_starts<C: TextColumn + ?Sized>(columns: &[&C]) -> Option<Vec<usize>> {
    let rows = columns.first().map_or(0, |c| c.len());
    if columns.iter().any(|c| c.len() != rows) {
        return None;
    }
    if rows == 0 {
        return Some(Vec::new());
    }
    // One column at a time, each read in order; a row starts a run when any does.
    let mut starts_here = vec![false; rows];
    for column in columns {
        if let Some(views) = column.views() {
            for row in 1..rows {
                let (x, y) = (views[row - 1], views[row]);
                if x != y {
                    starts_here[row] |= !same_by_view(x, y, *column, row - 1, row)?;
                }
            }
        } else {
            let mut previous = column.key(0)?;
            for (row, start) in starts_here.iter_mut().enumerate().skip(1) {
                let key = column.key(row)?;
                *start |= key != previous;
                previous = key;
            }
        }
    }
    starts_here[0] = true;
    Some(
        starts_here
            .iter()
            .enumerate()
            .filter_map(|(row, &start)| start.then_some(row))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coding::viewed::Viewed;

    fn column(ids: &[&str]) -> Vec<Option<Vec<u8>>> {
        ids.iter().map(|s| Some(s.as_bytes().to_vec())).collect()
    }

    const LONG: &str = "a task name longer than twelve bytes";
    const LONG_TOO: &str = "a task name longer than twelve bytez";

    #[test]
    fn runs_start_where_any_column_changes() {
        let task = ["a", "a", "a", "b", "b", LONG, LONG, LONG_TOO, "a"];
        let filter = ["x", "x", "y", "y", "y", "y", "y", "y", "y"];
        let want = [0, 2, 3, 5, 7, 8];
        let starts = run_starts(&[&column(&task), &column(&filter)]).unwrap();
        assert_eq!(starts, want);
        let viewed = run_starts(&[&Viewed::new(&task), &Viewed::new(&filter)]).unwrap();
        assert_eq!(viewed, want);
        assert_eq!(run_starts(&[&column(&task)]).unwrap(), [0, 3, 5, 7, 8]);
        assert_eq!(run_starts(&[&Viewed::new(&task)]).unwrap(), [0, 3, 5, 7, 8]);
    }

    #[test]
    fn one_value_is_one_run_and_no_rows_no_runs() {
        assert_eq!(run_starts(&[&column(&["m", "m", "m"])]).unwrap(), [0]);
        assert_eq!(run_starts(&[&Viewed::new(&[LONG, LONG])]).unwrap(), [0]);
        let empty: Vec<Option<Vec<u8>>> = Vec::new();
        assert_eq!(run_starts(&[&empty]).unwrap(), Vec::<usize>::new());
        let no_columns: [&Vec<Option<Vec<u8>>>; 0] = [];
        assert_eq!(run_starts(&no_columns).unwrap(), Vec::<usize>::new());
    }

    #[test]
    fn nulls_and_unequal_lengths_are_refused() {
        let with_null = vec![Some(b"a".to_vec()), None];
        assert_eq!(run_starts(&[&with_null]), None);
        assert_eq!(run_starts(&[&column(&["a"]), &column(&["a", "a"])]), None);
    }
}
