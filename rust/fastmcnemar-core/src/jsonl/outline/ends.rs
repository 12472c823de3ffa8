//! The first and last records of files: one read at each end of every file
//! (growing until a whole line is held), the files in parallel.

use std::io;
use std::path::Path;

use memchr::{memchr, memrchr};
use rayon::prelude::*;

use super::super::source::{Source, open_regular};
use super::record::outline_record;
use super::{UTF8_BOM, at_line, is_blank, is_blank_byte};
use crate::control::Checkpoint;
use crate::error::{Error, Result};

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

/// Outlines the first and last records of the file at `path` (see the parent module
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
            .map_err(|broken| at_line(line, broken)),
    };
    let last = last_line(source, size)?.and_then(|bytes| outline_record(&bytes, skip).ok());
    Ok(FileOutline { first, last })
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
