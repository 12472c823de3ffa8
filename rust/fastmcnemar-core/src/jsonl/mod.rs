//! Pulling a few top-level keys out of big JSON-lines files without parsing the rest.
//!
//! Evaluation harnesses log one JSON object per sample, and most of each line is
//! prompt text we do not need (lm-eval samples: doc, arguments, responses). This
//! scanner walks each line's top-level members in one pass, skips unwanted
//! values by bracket matching (arrays and objects 64 bytes at a time in
//! `structure`, long strings with `memchr2`, so prompts cost a SIMD scan, not
//! a parse), and decodes only the wanted values.
//!
//! The file is cut into fixed-size segments (`segment`) that threads read
//! with positional reads through a small, reused buffer: no shared cursor, no
//! copy of the file in memory, and the bytes are parsed while still in cache.
//! Memory is one buffer per thread plus the kept columns, not the file.
//!
//! It checks structure (one object per line, terminated strings, balanced
//! brackets, `:`/`,` between members, nothing after the object) and reports the
//! first broken line by number; it does not validate every number token inside
//! skipped values, which a full parser would.

pub mod chosen;
mod cursor;
pub mod document;
pub mod flip_texts;
mod line;
mod merge;
pub mod outline;
mod segment;
mod source;
#[cfg(target_arch = "x86_64")]
mod structure;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::control::Checkpoint;
use crate::error::{Error, Result};
use merge::merge;
use segment::{DEFAULT_LAYOUT, Layout, Stop, scan_segment};
pub use source::{Source, open_regular};

/// The value of a wanted key on one line, as a kind code.
pub mod kind {
    /// The key is not on the line.
    pub const MISSING: u8 = 0;
    /// `null`.
    pub const NULL: u8 = 1;
    /// A number, including Python's `NaN`, `Infinity`, `-Infinity`.
    pub const NUMBER: u8 = 2;
    /// `true` / `false` (number column holds 1 / 0).
    pub const BOOL: u8 = 3;
    /// A string.
    pub const STRING: u8 = 4;
    /// An array.
    pub const ARRAY: u8 = 5;
    /// An object.
    pub const OBJECT: u8 = 6;
}

/// One wanted top-level key.
#[derive(Debug, Clone)]
pub struct KeySpec {
    /// The key as it appears between the quotes.
    pub name: String,
    /// Keep the text of string values (and the raw text of numbers).
    pub want_text: bool,
}

/// Text values in Arrow's large-utf8 layout: row `i` is
/// `data[offsets[i]..offsets[i + 1]]` when `valid[i]`, else absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Texts {
    pub data: Vec<u8>,
    pub offsets: Vec<i64>,
    pub valid: Vec<bool>,
}

impl Default for Texts {
    fn default() -> Self {
        Texts {
            data: Vec::new(),
            offsets: vec![0],
            valid: Vec::new(),
        }
    }
}

impl Texts {
    /// Opens an (absent) entry for the next row.
    fn start_row(&mut self) {
        self.offsets.push(self.data.len() as i64);
        self.valid.push(false);
    }

    /// Sets the current (last) row's text; a key repeated on a line replaces it.
    fn set_last(&mut self, text: &[u8]) {
        let row = self.valid.len() - 1;
        self.data.truncate(self.offsets[row] as usize);
        self.data.extend_from_slice(text);
        self.offsets[row + 1] = self.data.len() as i64;
        self.valid[row] = true;
    }

    /// Makes the current (last) row's text absent again.
    fn clear_last(&mut self) {
        let row = self.valid.len() - 1;
        if self.valid[row] {
            self.data.truncate(self.offsets[row] as usize);
            self.offsets[row + 1] = self.offsets[row];
            self.valid[row] = false;
        }
    }

    /// The text of row `row`.
    pub fn get(&self, row: usize) -> Option<&str> {
        std::str::from_utf8(self.bytes(row)?).ok()
    }

    /// The raw (UTF-8) bytes of row `row`'s text.
    pub fn bytes(&self, row: usize) -> Option<&[u8]> {
        if !*self.valid.get(row)? {
            return None;
        }
        Some(&self.data[self.offsets[row] as usize..self.offsets[row + 1] as usize])
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.valid.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.valid.is_empty()
    }
}

impl<T: AsRef<[u8]>> FromIterator<Option<T>> for Texts {
    fn from_iter<I: IntoIterator<Item = Option<T>>>(rows: I) -> Self {
        let mut texts = Texts::default();
        for row in rows {
            texts.start_row();
            if let Some(text) = row {
                texts.set_last(text.as_ref());
            }
        }
        texts
    }
}

/// The wanted keys' values, one entry per non-blank line, in file order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Column {
    /// A [`kind`] code per row.
    pub kinds: Vec<u8>,
    /// The numeric value per row (NaN unless the kind is NUMBER or BOOL);
    /// empty for text keys, whose numbers are in `texts`.
    pub numbers: Vec<f64>,
    /// When [`KeySpec::want_text`]: string contents, and numbers as text
    /// (integers below 2^53 in integer form, others as written).
    pub texts: Option<Texts>,
}

impl Column {
    /// Opens a row: the key is missing until a value is read.
    fn start_row(&mut self) {
        self.kinds.push(kind::MISSING);
        match self.texts.as_mut() {
            Some(texts) => texts.start_row(),
            None => self.numbers.push(f64::NAN),
        }
    }

    /// Makes room for `rows` more rows like the last one (its text length).
    fn reserve_like_last(&mut self, rows: usize) {
        self.kinds.reserve(rows);
        match self.texts.as_mut() {
            Some(texts) => {
                let last = texts.offsets.len() - 1;
                let width = (texts.offsets[last] - texts.offsets[last.saturating_sub(1)]) as usize;
                texts.offsets.reserve(rows);
                texts.valid.reserve(rows);
                texts.data.reserve(rows * width);
            }
            None => self.numbers.reserve(rows),
        }
    }

    /// Sets the current (last) row's kind. A value with no text (null, a
    /// boolean, an array, an object) also drops the text an earlier occurrence
    /// of the key on the line left: the last occurrence counts, as in a parser.
    fn set_kind(&mut self, code: u8) {
        if let Some(last) = self.kinds.last_mut() {
            *last = code;
        }
        if !matches!(code, kind::STRING | kind::NUMBER) {
            if let Some(texts) = self.texts.as_mut() {
                texts.clear_last();
            }
        }
    }

    /// Sets the current (last) row's number (text keys keep no numbers).
    fn set_number(&mut self, value: f64) {
        if self.texts.is_none() {
            if let Some(last) = self.numbers.last_mut() {
                *last = value;
            }
        }
    }
}

/// Everything a scan extracted.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Scan {
    /// Rows (non-blank lines).
    pub rows: usize,
    /// One column per wanted key, in the order of the keys.
    pub columns: Vec<Column>,
    /// Where each row's line starts (a byte offset, past a byte-order mark).
    pub starts: Vec<u64>,
}

fn empty_columns(keys: &[KeySpec]) -> Vec<Column> {
    keys.iter()
        .map(|k| Column {
            kinds: Vec::new(),
            numbers: Vec::new(),
            texts: k.want_text.then(Texts::default),
        })
        .collect()
}

/// Scans every line of the file at `path` for the top-level `keys`.
///
/// Errors name the 1-based line number (blank lines count) and what is wrong.
pub fn scan_file(path: &Path, keys: &[KeySpec], checkpoint: &dyn Checkpoint) -> Result<Scan> {
    scan_source(&open_regular(path)?, keys, checkpoint)
}

/// Scans every line of `bytes` for the top-level `keys` (see [`scan_file`]).
pub fn scan_bytes(bytes: &[u8], keys: &[KeySpec], checkpoint: &dyn Checkpoint) -> Result<Scan> {
    scan_source(bytes, keys, checkpoint)
}

/// Scans every line of `source` for the top-level `keys` (see [`scan_file`]).
pub fn scan_source<S: Source + ?Sized>(
    source: &S,
    keys: &[KeySpec],
    checkpoint: &dyn Checkpoint,
) -> Result<Scan> {
    scan_with_layout(source, keys, checkpoint, DEFAULT_LAYOUT)
}

thread_local! {
    /// Each thread's read buffer, reused across segments and scans so its
    /// pages are faulted in once.
    static READ_BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

fn scan_with_layout<S: Source + ?Sized>(
    source: &S,
    keys: &[KeySpec],
    checkpoint: &dyn Checkpoint,
    layout: Layout,
) -> Result<Scan> {
    let parts = scan_segments(source, keys, checkpoint, layout, |rows, columns, starts| {
        (rows, columns, starts)
    })?;
    Ok(merge(parts, keys.len()))
}

/// [`scan_segments`] of the file at `path` (opened as [`scan_file`] opens it).
fn scan_file_segments<T, F>(
    path: &Path,
    keys: &[KeySpec],
    checkpoint: &dyn Checkpoint,
    consume: F,
) -> Result<Vec<T>>
where
    T: Send,
    F: Fn(usize, Vec<Column>, Vec<u64>) -> T + Sync,
{
    let file = open_regular(path)?;
    scan_segments(&file, keys, checkpoint, DEFAULT_LAYOUT, consume)
}

/// Scans `source` for `keys` segment by segment and hands each segment's rows,
/// columns and line starts to `consume` on the thread that scanned them, while they are
/// still in cache; the results come back in file order. Errors as
/// [`scan_file`]: the first broken line by number (segments after it are
/// skipped), or the first read failure.
fn scan_segments<S, T, F>(
    source: &S,
    keys: &[KeySpec],
    checkpoint: &dyn Checkpoint,
    layout: Layout,
    consume: F,
) -> Result<Vec<T>>
where
    S: Source + ?Sized,
    T: Send,
    F: Fn(usize, Vec<Column>, Vec<u64>) -> T + Sync,
{
    let size = source
        .size()
        .map_err(|e| Error::Io(format!("cannot read: {e}")))?;
    let segments = size.div_ceil(layout.segment).max(1);
    // Segments after a failed one are skipped: only the first failure is reported.
    let first_stop = AtomicUsize::new(usize::MAX);
    let pieces: Vec<Option<(usize, std::result::Result<T, Stop>)>> = (0..segments)
        .into_par_iter()
        .map(|k| {
            let index = k as usize;
            if index > first_stop.load(Ordering::Relaxed) || checkpoint.check().is_err() {
                return None;
            }
            let start = k * layout.segment;
            let end = (start + layout.segment).min(size).max(start + 1);
            let piece = READ_BUFFER
                .with_borrow_mut(|buffer| scan_segment(source, (start, end), keys, buffer, layout));
            let outcome = match piece.stop {
                Some(stop) => {
                    first_stop.fetch_min(index, Ordering::Relaxed);
                    Err(stop)
                }
                None => Ok(consume(piece.rows, piece.columns, piece.starts)),
            };
            Some((piece.lines, outcome))
        })
        .collect();
    checkpoint.check()?;
    let mut lines_before = 0usize;
    let mut parts = Vec::with_capacity(pieces.len());
    for piece in pieces {
        // A skipped segment comes after a failed one, which returns first.
        let Some((lines, outcome)) = piece else {
            return Err(Error::Interrupted);
        };
        match outcome {
            Ok(part) => parts.push(part),
            Err(Stop::Line {
                line,
                column,
                message,
            }) => {
                return Err(Error::Parse {
                    line: Some(lines_before + line),
                    column: Some(column),
                    byte: None,
                    message,
                });
            }
            Err(Stop::Read(message)) => return Err(Error::Io(message)),
        }
        lines_before += lines;
    }
    Ok(parts)
}
