//! JSON text for a report's tables of flat records (every flipped sample,
//! every task's row), byte for byte what Python's `json` module writes for
//! the same rows (its C encoder spent a third of an audit report's time on
//! them). The layout (indentation, separators) comes from the caller, which
//! knows the record list's depth in its document.
//!
//! - [`float`]: a double as Python's `repr`.
//! - [`string`]: a string escaped as `json.dumps` does by default (ASCII only).

pub mod float;
pub mod string;

pub use float::write_py_float;
pub use string::{write_json_string, write_json_string_unicode};

/// One value of a record.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    /// `null` (also written for NaN and infinite numbers, as the reports do).
    Null,
    Text(&'a str),
    Float(f64),
    Int(i64),
    Bool(bool),
}

/// A column of the table: the value of any row.
pub trait RecordColumn {
    fn cell(&self, row: usize) -> Cell<'_>;
}

/// What goes around and between the records: `[` + `head`, then per record
/// its items joined by `item_sep` (each `key` + `key_sep` + value), records
/// joined by `record_sep`, and `tail` + `]` at the end. The record braces
/// belong to the separators, so any indentation can be expressed.
#[derive(Clone, Copy, Debug)]
pub struct Layout<'a> {
    /// After `[`: the first record's `{` with what surrounds it.
    pub head: &'a str,
    pub item_sep: &'a str,
    pub key_sep: &'a str,
    /// From one record's last value to the next one's first key.
    pub record_sep: &'a str,
    /// Before the final `]`: the last record's `}` with what surrounds it.
    pub tail: &'a str,
}

impl Layout<'_> {
    /// `json.dumps(rows)` without indentation: `[{"k": v, "k": v}, {...}]`.
    pub const COMPACT: Layout<'static> = Layout {
        head: "{",
        item_sep: ", ",
        key_sep: ": ",
        record_sep: "}, {",
        tail: "}",
    };
}

/// Appends the JSON array of `rows` records whose keys are `names` and whose
/// values are `columns` (one per name); an empty table is `[]`.
pub fn write_records(
    names: &[&str],
    columns: &[&dyn RecordColumn],
    rows: usize,
    layout: &Layout<'_>,
    out: &mut Vec<u8>,
) {
    assert_eq!(names.len(), columns.len(), "one column per key");
    if rows == 0 || names.is_empty() {
        // Records without keys would be `{}`: the caller does not send them.
        out.extend_from_slice(b"[]");
        return;
    }
    // Each key with its separators, encoded once.
    let keys: Vec<Vec<u8>> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut key = Vec::new();
            if i > 0 {
                key.extend_from_slice(layout.item_sep.as_bytes());
            }
            write_json_string(name, &mut key);
            key.extend_from_slice(layout.key_sep.as_bytes());
            key
        })
        .collect();
    out.push(b'[');
    out.extend_from_slice(layout.head.as_bytes());
    for row in 0..rows {
        if row > 0 {
            out.extend_from_slice(layout.record_sep.as_bytes());
        }
        for (key, column) in keys.iter().zip(columns) {
            out.extend_from_slice(key);
            write_cell(column.cell(row), out);
        }
    }
    out.extend_from_slice(layout.tail.as_bytes());
    out.push(b']');
}

fn write_cell(cell: Cell<'_>, out: &mut Vec<u8>) {
    match cell {
        Cell::Null => out.extend_from_slice(b"null"),
        Cell::Text(text) => write_json_string(text, out),
        Cell::Float(x) if x.is_finite() => write_py_float(x, out),
        Cell::Float(_) => out.extend_from_slice(b"null"),
        Cell::Int(i) => {
            use std::io::Write;
            let _ = write!(out, "{i}");
        }
        Cell::Bool(true) => out.extend_from_slice(b"true"),
        Cell::Bool(false) => out.extend_from_slice(b"false"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(Vec<Cell<'static>>);

    impl RecordColumn for Fixed {
        fn cell(&self, row: usize) -> Cell<'_> {
            self.0[row]
        }
    }

    fn text(names: &[&str], columns: &[Fixed], rows: usize, layout: &Layout<'_>) -> String {
        let columns: Vec<&dyn RecordColumn> =
            columns.iter().map(|c| c as &dyn RecordColumn).collect();
        let mut out = Vec::new();
        write_records(names, &columns, rows, layout, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn compact_records_are_json_dumps() {
        let columns = [
            Fixed(vec![Cell::Text("a\"b"), Cell::Null]),
            Fixed(vec![Cell::Float(1.0), Cell::Float(f64::NAN)]),
            Fixed(vec![Cell::Int(-7), Cell::Bool(true)]),
        ];
        assert_eq!(
            text(&["task", "score", "n é"], &columns, 2, &Layout::COMPACT),
            r#"[{"task": "a\"b", "score": 1.0, "n \u00e9": -7}, {"task": null, "score": null, "n \u00e9": true}]"#
        );
        assert_eq!(text(&["task"], &columns[..1], 0, &Layout::COMPACT), "[]");
    }

    #[test]
    fn indented_records_follow_the_layout() {
        // json.dumps([{"a": 1, "b": 2.5}, {"a": 3, "b": 0.5}], indent=2)
        let layout = Layout {
            head: "\n  {\n    ",
            item_sep: ",\n    ",
            key_sep: ": ",
            record_sep: "\n  },\n  {\n    ",
            tail: "\n  }\n",
        };
        let columns = [
            Fixed(vec![Cell::Int(1), Cell::Int(3)]),
            Fixed(vec![Cell::Float(2.5), Cell::Float(0.5)]),
        ];
        assert_eq!(
            text(&["a", "b"], &columns, 2, &layout),
            "[\n  {\n    \"a\": 1,\n    \"b\": 2.5\n  },\n  {\n    \"a\": 3,\n    \"b\": 0.5\n  }\n]"
        );
    }
}
