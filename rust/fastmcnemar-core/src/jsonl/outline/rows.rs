//! Records picked from a whole file: at chosen rows, or by the text one key
//! stands for. One sequential read (the parent's `each_line`), and only the
//! picked records are outlined.

use std::collections::HashSet;

use memchr::{memchr, memmem};

use super::super::line::value_text;
use super::super::source::Source;
use super::record::{member_value_of_read_line, outline_record};
use super::{at_line, each_line, is_blank};
use crate::control::Checkpoint;
use crate::error::{Error, Result};

/// The records at `rows` (0-based among the non-blank lines; any order,
/// repeats ignored) as outline text with their 1-based line numbers, in row
/// order; rows past the end are left out. The file is read once, up to the
/// last wanted row. A wanted record that is broken is `Error::Parse` with its
/// line and column; `checkpoint` is asked once per read.
pub fn outline_rows<S: Source + ?Sized>(
    source: &S,
    rows: &[usize],
    skip: &[&str],
    checkpoint: &dyn Checkpoint,
) -> Result<Vec<(usize, Vec<u8>)>> {
    let mut wanted = rows.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut wanted = wanted.into_iter().peekable();
    let mut found = Vec::new();
    if wanted.peek().is_none() {
        return Ok(found);
    }
    let mut row = 0usize;
    each_line(source, checkpoint, |line, bytes| {
        if wanted.next_if_eq(&row).is_some() {
            found.push((line, outline_at(line, bytes, skip)?));
        }
        row += 1;
        Ok(wanted.peek().is_some())
    })?;
    Ok(found)
}

/// A record chosen by [`outline_where`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Its 1-based line number (blank lines count).
    pub line: usize,
    /// The text its key stands for (one of the wanted ones).
    pub value: Vec<u8>,
    /// The record as outline text.
    pub text: Vec<u8>,
}

/// The records whose top-level `key` stands for one of the texts in `wanted`
/// (a string's content, a number as its text: what the scanner's text column
/// holds), as [`Match`]es in file order, every match of a text included.
/// Meant for a file the scanner has read: one read of the whole file, each
/// line walked up to `key` (see `member_value_of_read_line`; a matching line
/// is walked whole), and a line broken there is `Error::Parse` with its line
/// and column.
pub fn outline_where<S: Source + ?Sized>(
    source: &S,
    key: &str,
    wanted: &HashSet<Vec<u8>>,
    skip: &[&str],
    checkpoint: &dyn Checkpoint,
) -> Result<Vec<Match>> {
    let mut found = Vec::new();
    if wanted.is_empty() {
        return Ok(found);
    }
    let quoted = format!("\"{key}\"");
    let quoted = memmem::Finder::new(quoted.as_bytes());
    each_line(source, checkpoint, |line, bytes| {
        let value = member_value_of_read_line(bytes, key, &quoted)
            .map_err(|broken| at_line(line, broken))?;
        if let Some(value) = value.and_then(value_text).filter(|t| wanted.contains(t)) {
            let text = outline_at(line, bytes, skip)?;
            found.push(Match { line, value, text });
        }
        Ok(true)
    })?;
    Ok(found)
}

/// Bytes read at a time while looking for the end of a line at a known start.
const LINE_READ: usize = 16 << 10;

/// The records whose lines start at `starts` (byte offsets, as the scanner
/// reports them for the rows it keeps), as outline text, in the order given:
/// each line is read on its own, the rest of the file is not. A start past
/// the end, or a line broken there, is `Error::Parse` naming its byte offset;
/// `checkpoint` is asked once per line.
pub fn outline_at_starts<S: Source + ?Sized>(
    source: &S,
    starts: &[u64],
    skip: &[&str],
    checkpoint: &dyn Checkpoint,
) -> Result<Vec<Vec<u8>>> {
    let mut buffer = vec![0u8; LINE_READ];
    let mut found = Vec::with_capacity(starts.len());
    for &start in starts {
        checkpoint.check()?;
        let at_byte = |message: String| Error::Parse {
            line: None,
            column: None,
            byte: usize::try_from(start).ok(),
            message,
        };
        // Read until the line's newline (or the end of the file).
        let mut filled = 0;
        let end = loop {
            if filled == buffer.len() {
                buffer.resize(buffer.len() * 2, 0);
            }
            let n = source
                .read_some_at(&mut buffer[filled..], start + filled as u64)
                .map_err(|e| Error::Io(format!("cannot read: {e}")))?;
            let searched = filled;
            filled += n;
            if let Some(cut) = memchr(b'\n', &buffer[searched..filled]) {
                break searched + cut;
            }
            if n == 0 {
                break filled;
            }
        };
        let line = &buffer[..end];
        if is_blank(line) {
            return Err(at_byte("no record starts here".to_string()));
        }
        found.push(outline_record(line, skip).map_err(|(_, message)| at_byte(message))?);
    }
    Ok(found)
}

fn outline_at(line: usize, bytes: &[u8], skip: &[&str]) -> Result<Vec<u8>> {
    outline_record(bytes, skip).map_err(|broken| at_line(line, broken))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::super::text;
    use super::{outline_at_starts, outline_rows, outline_where};
    use crate::control::NeverStop;
    use crate::error::Error;

    const SKIP: &[&str] = &["doc", "arguments"];

    fn rows(text: &str, rows: &[usize]) -> Vec<(usize, String)> {
        outline_rows(text.as_bytes(), rows, SKIP, &NeverStop)
            .unwrap()
            .into_iter()
            .map(|(line, bytes)| (line, String::from_utf8(bytes).unwrap()))
            .collect()
    }

    #[test]
    fn rows_are_counted_over_non_blank_lines_with_their_line_numbers() {
        let text = "\u{feff}{\"r\": 0}\n\n  \n{\"r\": 1, \"doc\": [2]}\n\t\n{\"r\": 2}";
        assert_eq!(
            rows(text, &[2, 0, 1, 1, 7]),
            [
                (1, r#"{"r":0}"#.to_string()),
                (4, r#"{"r":1,"doc":null}"#.to_string()),
                (6, r#"{"r":2}"#.to_string()),
            ]
        );
        assert_eq!(rows(text, &[]), []);
        assert_eq!(rows("", &[0]), []);
    }

    #[test]
    fn rows_across_reads_and_a_line_longer_than_the_buffer() {
        let long = format!("{{\"doc\": \"{}\", \"r\": 1}}", "x".repeat(3 << 20));
        let short = "{\"r\": 0}\n".repeat(200_000);
        let text = format!("{short}{long}\n{short}");
        let got = rows(&text, &[0, 150_000, 200_000, 200_001, 400_000]);
        let lines: Vec<usize> = got.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [1, 150_001, 200_001, 200_002, 400_001]);
        assert_eq!(got[2].1, r#"{"doc":null,"r":1}"#);
    }

    #[test]
    fn a_broken_wanted_row_is_located_and_others_are_not_parsed() {
        let text = "{\"r\": 0}\n{broken\n{\"r\": 2}\n";
        assert_eq!(rows(text, &[0, 2]).len(), 2);
        match outline_rows(text.as_bytes(), &[1], SKIP, &NeverStop) {
            Err(Error::Parse { line, column, .. }) => {
                assert_eq!((line, column), (Some(2), Some(2)))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn records_are_chosen_by_the_text_their_key_stands_for() {
        let file = concat!(
            "{\"doc_id\": 16.0, \"doc\": [1], \"f\": \"a\"}\n",
            "\n",
            "{\"doc_id\": \"x\\u0041\", \"f\": \"b\"}\n",
            "{\"f\": \"no id\"}\n",
            "{\"doc_id\": 3, \"doc_id\": 16, \"f\": \"c\"}\n",
            "{\"doc_id\": [16], \"f\": \"d\"}\n",
        );
        let wanted: HashSet<Vec<u8>> = [b"16".to_vec(), b"xA".to_vec()].into();
        let got = outline_where(file.as_bytes(), "doc_id", &wanted, SKIP, &NeverStop).unwrap();
        let got: Vec<(usize, &str, &str)> = got
            .iter()
            .map(|m| (m.line, text(&m.value), text(&m.text)))
            .collect();
        assert_eq!(
            got,
            [
                (1, "16", r#"{"doc_id":16.0,"doc":null,"f":"a"}"#),
                (3, "xA", r#"{"doc_id":"x\u0041","f":"b"}"#),
                (5, "16", r#"{"doc_id":3,"doc_id":16,"f":"c"}"#),
            ]
        );
        let none = HashSet::new();
        assert!(
            outline_where(file.as_bytes(), "doc_id", &none, SKIP, &NeverStop)
                .unwrap()
                .is_empty()
        );
        match outline_where(
            b"{\"doc_id\": 1}\n{oops\n".as_slice(),
            "doc_id",
            &wanted,
            SKIP,
            &NeverStop,
        ) {
            Err(Error::Parse { line, .. }) => assert_eq!(line, Some(2)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lines_are_read_again_from_their_starts() {
        let text = "\u{feff}{\"r\": 0}\r\n\n  {\"r\": 1, \"doc\": [2]}\n{\"r\": 2}";
        let at = |s: &str| text.find(s).unwrap() as u64;
        let starts = [at("  {\"r\": 1"), 3, at("{\"r\": 2}"), 3];
        let got: Vec<String> = outline_at_starts(text.as_bytes(), &starts, SKIP, &NeverStop)
            .unwrap()
            .into_iter()
            .map(|bytes| String::from_utf8(bytes).unwrap())
            .collect();
        assert_eq!(
            got,
            [
                r#"{"r":1,"doc":null}"#,
                r#"{"r":0}"#,
                r#"{"r":2}"#,
                r#"{"r":0}"#
            ]
        );
        // A line longer than one read.
        let long = format!("{{\"r\": \"{}\"}}\n{{\"r\": 3}}\n", "x".repeat(40_000));
        let got = outline_at_starts(long.as_bytes(), &[0, 40_010], &[], &NeverStop).unwrap();
        assert_eq!(got[0].len(), 40_008);
        assert_eq!(got[1], br#"{"r":3}"#);
        // No record where a start points: past the end, a blank line, the middle of a value.
        for start in [text.len() as u64 + 5, at("\n\n") + 1] {
            let err = outline_at_starts(text.as_bytes(), &[start], &[], &NeverStop).unwrap_err();
            assert!(
                matches!(err, Error::Parse { byte: Some(b), .. } if b as u64 == start),
                "{err}"
            );
        }
        assert!(outline_at_starts(text.as_bytes(), &[at("r\": 2")], &[], &NeverStop).is_err());
    }
}
