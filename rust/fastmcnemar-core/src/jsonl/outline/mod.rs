//! Whole records of a JSON-lines file without parsing their big values.
//!
//! A record is walked with the scanner's cursor, so its structure is checked
//! exactly as on every scanned line, and written back as *outline text*:
//! compact JSON with every member in order and as written, except that the
//! values of the `skip` keys become `null`. The caller parses that short text
//! with a full JSON parser, so the values it reads are validated as strictly
//! as a full parse of the line would; the skipped ones (the prompt text) are
//! checked for structure only, like the skipped values of every other line.
//!
//! - `record`: one record: its outline text, one member's value.
//! - `ends`: the first and last records of files, which tell a reader a
//!   file's layout (keys, filter, metric names and one value of each).
//! - `rows`: the records at chosen rows (the first line of each later filter),
//!   or whose key stands for chosen texts (the flipped docs of a report),
//!   cutting lines with a SIMD newline search.
//!
//! Lines are cut at `\n`; a line of ASCII whitespace only (Python's
//! `bytes.isspace`) is blank and passed over, and a UTF-8 byte-order mark
//! before the first line is dropped, as the scanner does.

mod ends;
mod record;
mod rows;

pub use ends::{FileOutline, outline_file, outline_files, outline_source};
pub use record::{member_value, outline_record};
pub use rows::{Match, outline_at_starts, outline_rows, outline_where};

use memchr::memchr;

use super::source::Source;
use crate::control::Checkpoint;
use crate::error::{Error, Result};

/// The UTF-8 encoding of U+FEFF, which some writers put before the first line.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// The first read of a file; each later one is four times larger, up to
/// [`LARGEST_READ`], so a short first line costs one small read.
const FIRST_READ: usize = 16 << 10;
/// The largest read; a longer line grows the buffer beyond it.
const LARGEST_READ: usize = 1 << 20;

/// Python's `bytes.isspace` for one byte: the line counts as blank.
fn is_blank_byte(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn is_blank(line: &[u8]) -> bool {
    // Records start with `{`: only a line starting blank needs the full look.
    line.first().is_none_or(|&b| is_blank_byte(b)) && line.iter().all(|&b| is_blank_byte(b))
}

/// Reads `source` once from the start, handing `visit` each non-blank line
/// (its 1-based number, blank lines counted, and its bytes; a UTF-8 mark
/// before the first dropped) until it returns false or the source ends.
/// Lines are cut by a SIMD newline search; `checkpoint` is asked once per read.
fn each_line<S: Source + ?Sized>(
    source: &S,
    checkpoint: &dyn Checkpoint,
    mut visit: impl FnMut(usize, &[u8]) -> Result<bool>,
) -> Result<()> {
    let mut line = 0usize;
    let mut buffer = vec![0u8; FIRST_READ];
    let (mut filled, mut offset) = (0usize, 0u64);
    loop {
        checkpoint.check()?;
        if filled == buffer.len() {
            buffer.resize(buffer.len() * 2, 0); // one line fills the buffer
        } else if offset > 0 && buffer.len() < LARGEST_READ {
            buffer.resize((buffer.len() * 4).min(LARGEST_READ), 0);
        }
        let n = source
            .read_some_at(&mut buffer[filled..], offset)
            .map_err(|e| Error::Io(format!("cannot read: {e}")))?;
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

/// A broken record at 1-based `line` as the core's typed error.
fn at_line(line: usize, (column, message): (usize, String)) -> Error {
    Error::Parse {
        line: Some(line),
        column: Some(column),
        byte: None,
        message,
    }
}

/// Outline text as a string, for the tests' messages.
#[cfg(test)]
fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}
