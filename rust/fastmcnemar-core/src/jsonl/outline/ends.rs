//! The first and last records of files: the first line as the parent's
//! `each_line` cuts it, the last read back from the end (growing until a
//! whole line is held); the files in parallel.

use std::io;
use std::path::Path;

use memchr::memrchr;
use rayon::prelude::*;

use super::super::source::{Source, open_regular};
use super::record::outline_record;
use super::{FIRST_READ, UTF8_BOM, at_line, each_line, is_blank_byte};
use crate::control::{Checkpoint, NeverStop};
use crate::error::{Error, Result};

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

/// Outlines the first and last records of the file at `path` (see the parent module
/// notes). Fails only when the file cannot be opened or read, or is not a
/// regular file.
pub fn outline_file(path: &Path, skip: &[&str]) -> Result<FileOutline> {
    outline_source(&open_regular(path)?, skip)
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
pub fn outline_source<S: Source + ?Sized>(source: &S, skip: &[&str]) -> Result<FileOutline> {
    let cannot = |e: io::Error| Error::Io(format!("cannot read: {e}"));
    let size = source.size().map_err(cannot)?;
    let first = match first_line(source)? {
        None => Err(Error::Io("no samples (the file is empty)".into())),
        Some((line, bytes)) => outline_record(&bytes, skip)
            .map(|text| (line, text))
            .map_err(|broken| at_line(line, broken)),
    };
    let last = last_line(source, size)
        .map_err(cannot)?
        .and_then(|bytes| outline_record(&bytes, skip).ok());
    Ok(FileOutline { first, last })
}

/// Reads `len` bytes at `offset` (fewer only at the end of the source).
fn read_exact_at<S: Source + ?Sized>(source: &S, offset: u64, len: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; len];
    let mut filled = 0;
    while filled < len {
        match source.read_some_at(&mut buf[filled..], offset + filled as u64)? {
            0 => break,
            n => filled += n,
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

/// The first non-blank line (its 1-based number and bytes, BOM dropped).
fn first_line<S: Source + ?Sized>(source: &S) -> Result<Option<(usize, Vec<u8>)>> {
    let mut found = None;
    each_line(source, &NeverStop, |line, bytes| {
        found = Some((line, bytes.to_vec()));
        Ok(false)
    })?;
    Ok(found)
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
    use super::super::text;
    use super::{FileOutline, outline_source};
    use crate::error::Error;

    const SKIP: &[&str] = &["doc", "arguments"];

    fn outline(text: &str) -> FileOutline {
        outline_source(text.as_bytes(), SKIP).unwrap()
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
}
