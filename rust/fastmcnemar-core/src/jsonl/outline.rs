//! The first and last records of a JSON-lines file with their big values left
//! out: what a reader needs to learn a file's layout (its keys, filter, metric
//! names and one value of each) without parsing its prompts.
//!
//! Each record is walked with the scanner's cursor, so its structure is
//! checked exactly as on every scanned line, and written back as compact JSON
//! text: every member in order and as written, except that the values of the
//! `skip` keys become `null`. The caller parses that short text with a full
//! JSON parser, so the values it reads are validated as strictly as a full
//! parse of the line would; the skipped ones are checked for structure only,
//! like the skipped values of every other line.
//!
//! [`outline_rows`] does the same for the records at chosen rows (an audit's
//! flipped docs, the first line of each later filter), cutting lines with a
//! SIMD newline search instead of walking the records in between.
//!
//! Lines are cut at `\n`; a line of ASCII whitespace only (Python's
//! `bytes.isspace`) is blank and passed over, and a UTF-8 byte-order mark
//! before the first line is dropped, as the scanner does.

use std::collections::HashSet;
use std::io;
use std::path::Path;

use memchr::{memchr, memmem, memrchr};
use rayon::prelude::*;

use super::cursor::Cursor;
use super::line::value_text;
use super::source::{Source, open_regular};
use crate::control::Checkpoint;
use crate::error::{Error, Result};

/// The UTF-8 encoding of U+FEFF, which some writers put before the first line.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// Bytes read at a time at either end of the file; grows fourfold per read.
const FIRST_READ: usize = 16 << 10;

/// What [`outline_file`] found at both ends of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileOutline {
    /// The first non-blank record's 1-based line number and outline text, or
    /// why it cannot be one:
    /// `Error::Parse` with the 1-based line (blank lines count) and column,
    /// or `Error::Io` for an empty file.
    pub first: Result<(usize, Vec<u8>)>,
    /// The last non-blank record as outline text; `None` when the file has no
    /// non-blank line or the last one is broken (a full scan reports where).
    pub last: Option<Vec<u8>>,
}

/// Outlines the first and last records of the file at `path` (see the module
/// notes). Fails only when the file cannot be opened or read, or is not a
/// regular file.
pub fn outline_file(path: &Path, skip: &[&str]) -> Result<FileOutline> {
    let file = open_regular(path)?;
    outline_source(&file, skip).map_err(|e| Error::Io(format!("cannot read: {e}")))
}

/// [`outline_file`] for each of `paths`, the files in parallel on the current
/// rayon pool; the outcomes are in the order of `paths`.
pub fn outline_files(
    paths: &[&Path],
    skip: &[&str],
    checkpoint: &dyn Checkpoint,
) -> Vec<Result<FileOutline>> {
    paths
        .par_iter()
        .map(|path| {
            checkpoint.check()?;
            outline_file(path, skip)
        })
        .collect()
}

/// [`outline_file`] for any [`Source`] (tests use byte slices).
pub fn outline_source<S: Source + ?Sized>(source: &S, skip: &[&str]) -> io::Result<FileOutline> {
    let size = source.size()?;
    let first = match first_line(source, size)? {
        None => Err(Error::Io("no samples (the file is empty)".into())),
        Some((line, bytes)) => outline_record(&bytes, skip)
            .map(|text| (line, text))
            .map_err(|(column, message)| Error::Parse {
                line: Some(line),
                column: Some(column),
                byte: None,
                message,
            }),
    };
    let last = last_line(source, size)?.and_then(|bytes| outline_record(&bytes, skip).ok());
    Ok(FileOutline { first, last })
}

/// Outline text of one record (see the module notes), or the 1-based byte
/// column where it breaks and what is wrong.
pub fn outline_record(line: &[u8], skip: &[&str]) -> std::result::Result<Vec<u8>, (usize, String)> {
    let mut out = Vec::with_capacity(256);
    out.push(b'{');
    walk_record(line, |name, key, value| {
        if out.len() > 1 {
            out.push(b',');
        }
        out.extend_from_slice(key);
        out.push(b':');
        // An escaped key may spell a skipped one; kept whole, the parser decides.
        if skip.iter().any(|k| k.as_bytes() == name) {
            out.extend_from_slice(b"null");
        } else {
            out.extend_from_slice(value);
        }
        true
    })?;
    out.push(b'}');
    Ok(out)
}

/// The raw text of the value of top-level `key` in one record (the last one
/// when the key repeats, as a parser keeps it), or None when absent.
pub fn member_value<'a>(
    line: &'a [u8],
    key: &str,
) -> std::result::Result<Option<&'a [u8]>, (usize, String)> {
    let mut found = None;
    walk_record(line, |name, _, value| {
        if name == key.as_bytes() {
            found = Some(value);
        }
        true
    })?;
    Ok(found)
}

/// [`member_value`] for a record known to be well formed (a file the scanner
/// has read): the walk stops at the key's first occurrence when its quoted
/// name appears nowhere after it, so the rest of the line costs one SIMD
/// search, not a walk. A line where it may repeat is walked in full.
fn member_value_of_read_line<'a>(
    line: &'a [u8],
    key: &str,
    quoted: &memmem::Finder<'_>,
) -> std::result::Result<Option<&'a [u8]>, (usize, String)> {
    let mut first: Option<&'a [u8]> = None;
    walk_record(line, |name, _, value| {
        if name == key.as_bytes() {
            first = Some(value);
        }
        first.is_none()
    })?;
    let Some(value) = first else {
        return Ok(None);
    };
    let after = value.as_ptr() as usize - line.as_ptr() as usize + value.len();
    match quoted.find(&line[after..]) {
        None => Ok(Some(value)),
        Some(_) => member_value(line, key),
    }
}

/// Walks one record's top-level members with the scanner's cursor, handing
/// `visit` each member's (raw key content, key text with its quotes, raw
/// value text) until it returns false; the error is the 1-based column
/// where the record breaks.
fn walk_record<'a>(
    line: &'a [u8],
    mut visit: impl FnMut(&'a [u8], &'a [u8], &'a [u8]) -> bool,
) -> std::result::Result<(), (usize, String)> {
    let mut cur = Cursor::<false>::new(line);
    let walked = walk_members(&mut cur, &mut visit).and_then(|whole| {
        // A walk `visit` stopped early leaves the rest of the line unchecked.
        cur.skip_ws();
        match whole && cur.pos < line.len() {
            true => Err("text after the object".to_string()),
            false => Ok(()),
        }
    });
    walked.map_err(|message| (cur.pos + 1, message))
}

fn walk_members<'a>(
    cur: &mut Cursor<'a, false>,
    visit: &mut impl FnMut(&'a [u8], &'a [u8], &'a [u8]) -> bool,
) -> std::result::Result<bool, String> {
    cur.expect(b'{', "'{' (one JSON object per line)")?;
    cur.skip_ws();
    if cur.peek() == Some(b'}') {
        cur.pos += 1;
        return Ok(true);
    }
    loop {
        cur.expect(b'"', "a key")?;
        let key_start = cur.pos - 1;
        let name = cur.string_body()?;
        let key = &cur.bytes[key_start..cur.pos];
        cur.expect(b':', "':'")?;
        cur.skip_ws();
        let value_start = cur.pos;
        match cur.peek() {
            None | Some(b'\n') => return Err("line ends inside a value (truncated?)".into()),
            Some(b'"') => {
                cur.pos += 1;
                cur.string_body()?;
            }
            Some(b'{' | b'[') => cur.skip_compound()?,
            Some(_) => {
                if cur.token().is_empty() {
                    return Err("missing value".into());
                }
            }
        }
        if !visit(name, key, &cur.bytes[value_start..cur.pos]) {
            return Ok(false);
        }
        if !cur.after_member()? {
            return Ok(true);
        }
    }
}

/// Bytes read at a time by [`outline_rows`]; a longer line grows the buffer.
const ROWS_READ: usize = 1 << 20;

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

fn outline_at(line: usize, bytes: &[u8], skip: &[&str]) -> Result<Vec<u8>> {
    outline_record(bytes, skip).map_err(|broken| at_line(line, broken))
}

fn at_line(line: usize, (column, message): (usize, String)) -> Error {
    Error::Parse {
        line: Some(line),
        column: Some(column),
        byte: None,
        message,
    }
}

/// Reads `source` once from the start, handing `visit` each non-blank line
/// (its 1-based number, blank lines counted, and its bytes; a UTF-8 mark
/// before the first dropped) until it returns false or the source ends.
fn each_line<S: Source + ?Sized>(
    source: &S,
    checkpoint: &dyn Checkpoint,
    mut visit: impl FnMut(usize, &[u8]) -> Result<bool>,
) -> Result<()> {
    let mut line = 0usize;
    let mut buffer = vec![0u8; ROWS_READ];
    let (mut filled, mut offset) = (0usize, 0u64);
    let read_failed = |e: io::Error| Error::Io(format!("cannot read: {e}"));
    loop {
        checkpoint.check()?;
        if filled == buffer.len() {
            buffer.resize(buffer.len() * 2, 0); // one line fills the buffer
        }
        let n = loop {
            match source.read_at(&mut buffer[filled..], offset) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other.map_err(read_failed)?,
            }
        };
        let at_end = n == 0;
        if offset == 0 && buffer[..n].starts_with(UTF8_BOM) {
            buffer.copy_within(UTF8_BOM.len()..n, 0);
            filled = n - UTF8_BOM.len();
        } else {
            filled += n;
        }
        offset += n as u64;
        // Every complete line (and, at the end, the unterminated last one).
        let mut from = 0;
        loop {
            let end = match memchr(b'\n', &buffer[from..filled]) {
                Some(cut) => from + cut,
                None if at_end && from < filled => filled,
                None => break,
            };
            line += 1;
            let bytes = &buffer[from..end];
            from = (end + 1).min(filled);
            if !is_blank(bytes) && !visit(line, bytes)? {
                return Ok(());
            }
        }
        if at_end {
            return Ok(());
        }
        buffer.copy_within(from..filled, 0);
        filled -= from;
    }
}

/// Python's `bytes.isspace` for one byte: the line counts as blank.
fn is_blank_byte(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn is_blank(line: &[u8]) -> bool {
    // Records start with `{`: only a line starting blank needs the full look.
    line.first().is_none_or(|&b| is_blank_byte(b)) && line.iter().all(|&b| is_blank_byte(b))
}

/// Reads `len` bytes at `offset` (fewer only at the end of the source).
fn read_exact_at<S: Source + ?Sized>(source: &S, offset: u64, len: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; len];
    let mut filled = 0;
    while filled < len {
        match source.read_at(&mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

/// The first non-blank line (its 1-based number and bytes, BOM dropped),
/// read in growing chunks so a short first line costs one small read.
fn first_line<S: Source + ?Sized>(source: &S, size: u64) -> io::Result<Option<(usize, Vec<u8>)>> {
    let mut pending: Vec<u8> = Vec::new();
    let mut offset = 0u64;
    let mut chunk = FIRST_READ;
    let mut line = 0usize;
    loop {
        let read = read_exact_at(source, offset, chunk)?;
        let at_end = read.is_empty() || offset + read.len() as u64 >= size;
        offset += read.len() as u64;
        pending.extend_from_slice(&read);
        chunk = chunk.saturating_mul(4);
        if offset == read.len() as u64 && pending.starts_with(UTF8_BOM) {
            pending.drain(..UTF8_BOM.len());
        }
        // Hand over every complete line in `pending`; keep the unfinished tail.
        let mut from = 0;
        while let Some(cut) = memchr(b'\n', &pending[from..]) {
            line += 1;
            let bytes = &pending[from..from + cut];
            if !is_blank(bytes) {
                return Ok(Some((line, bytes.to_vec())));
            }
            from += cut + 1;
        }
        pending.drain(..from);
        if at_end {
            let found = (!is_blank(&pending)).then(|| (line + 1, pending));
            return Ok(found);
        }
    }
}

/// The last non-blank line, read back from the end in growing windows.
fn last_line<S: Source + ?Sized>(source: &S, size: u64) -> io::Result<Option<Vec<u8>>> {
    let mut window = FIRST_READ as u64;
    loop {
        let start = size.saturating_sub(window);
        let tail = read_exact_at(
            source,
            start,
            usize::try_from(size - start).unwrap_or(usize::MAX),
        )?;
        let end = tail
            .iter()
            .rposition(|&b| !is_blank_byte(b))
            .map_or(0, |i| i + 1);
        let trimmed = &tail[..end];
        match memrchr(b'\n', trimmed) {
            Some(cut) => return Ok(Some(trimmed[cut + 1..].to_vec())),
            None if start == 0 => {
                let body = trimmed.strip_prefix(UTF8_BOM).unwrap_or(trimmed);
                return Ok((!body.is_empty()).then(|| body.to_vec()));
            }
            None => window = window.saturating_mul(4),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{
        FileOutline, member_value, outline_record, outline_rows, outline_source, outline_where,
    };
    use crate::control::NeverStop;
    use crate::error::Error;
    use std::collections::HashSet;

    const SKIP: &[&str] = &["doc", "arguments"];

    fn outline(text: &str) -> FileOutline {
        outline_source(text.as_bytes(), SKIP).unwrap()
    }

    fn text(bytes: &[u8]) -> &str {
        std::str::from_utf8(bytes).unwrap()
    }

    #[test]
    fn skipped_values_become_null_and_the_rest_is_kept_as_written() {
        let line = br#"{"doc_id": 0, "doc": {"q": "a \"b\" [c"}, "arguments": [[1, {"x": "}"}]], "filter": "none", "acc": 1.0e0, "f1": NaN}"#;
        let got = outline_record(line, SKIP).unwrap();
        assert_eq!(
            text(&got),
            r#"{"doc_id":0,"doc":null,"arguments":null,"filter":"none","acc":1.0e0,"f1":NaN}"#
        );
        assert_eq!(text(&outline_record(b" { } ", SKIP).unwrap()), "{}");
    }

    #[test]
    fn an_escaped_key_is_kept_whole() {
        let got = outline_record(br#"{"do\u0063": [1]}"#, SKIP).unwrap();
        assert_eq!(text(&got), r#"{"do\u0063":[1]}"#);
    }

    #[test]
    fn broken_records_name_the_column() {
        let cases: [(&[u8], usize); 5] = [
            (b"[1, 2]", 1),
            (br#"{"a": 1} x"#, 10),
            (br#"{"doc": {"q": [1}, "a": 1}"#, 17),
            (br#"{"a": "open"#, 8),
            (br#"{"a": }"#, 7),
        ];
        for (line, column) in cases {
            let (at, _) = outline_record(line, SKIP).unwrap_err();
            assert_eq!(at, column, "{}", text(line));
        }
    }

    #[test]
    fn first_and_last_lines_pass_over_blank_lines_and_a_bom() {
        let got = outline("\u{feff}\n \t\n{\"a\": 1}\n{\"b\": 2}\n\n{\"c\": [3]}\n\x0b\n  \n");
        let (line, first) = got.first.unwrap();
        assert_eq!((line, text(&first)), (3, r#"{"a":1}"#));
        assert_eq!(text(&got.last.unwrap()), r#"{"c":[3]}"#);
        let one = outline("\u{feff}{\"a\": 1}");
        assert_eq!(text(&one.first.unwrap().1), r#"{"a":1}"#);
        assert_eq!(text(&one.last.unwrap()), r#"{"a":1}"#);
    }

    #[test]
    fn a_broken_first_line_is_located_and_a_broken_last_line_is_none() {
        let got = outline("\n{\"a\": [1}\n{\"b\": 2}\n{\"c\": ");
        match got.first {
            Err(Error::Parse { line, column, .. }) => {
                assert_eq!((line, column), (Some(2), Some(9)));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(got.last, None);
    }

    #[test]
    fn an_empty_or_blank_file_has_no_first_record() {
        for text in ["", "\n\n", " \r\n\t"] {
            let got = outline(text);
            assert!(matches!(got.first, Err(Error::Io(_))), "{text:?}");
            assert_eq!(got.last, None);
        }
    }

    #[test]
    fn long_lines_at_both_ends_are_read_whole() {
        // Longer than several growing reads, so the chunking is exercised.
        let prompt = "p".repeat(300_000);
        let first = format!("{{\"doc\": \"{prompt}\", \"a\": 1}}");
        let middle = "{\"m\": 0}\n".repeat(10_000);
        let last = format!("{{\"arguments\": [\"{prompt}\"], \"z\": 2}}");
        let got = outline(&format!("{first}\n{middle}{last}\n"));
        assert_eq!(text(&got.first.unwrap().1), r#"{"doc":null,"a":1}"#);
        assert_eq!(text(&got.last.unwrap()), r#"{"arguments":null,"z":2}"#);
    }

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
        assert_eq!(
            member_value(br#"{"a": [1, 2], "b": 3}"#, "a").unwrap(),
            Some(&b"[1, 2]"[..])
        );
        assert_eq!(member_value(br#"{"a": 1}"#, "b").unwrap(), None);
    }
}
