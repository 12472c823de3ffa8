//! Scanning one stretch of a file: the lines that *start* inside
//! `[start, end)`, read through a small buffer that stays in cache.
//!
//! Segments are cut at fixed byte offsets, not at newlines, so threads need
//! no coordination: a segment skips the tail of the line running into it
//! and finishes its own last line past its end. Every line therefore belongs
//! to exactly one segment, whatever the thread count.

use memchr::{memchr, memrchr};

use super::line::{KeyLookup, parse_line};
use super::source::Source;
use super::{Column, KeySpec, empty_columns};

/// How a scan cuts its input; tests shrink both to hit every boundary case.
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    /// Bytes of line starts per segment (the unit of parallel work).
    pub segment: u64,
    /// Bytes read at a time; a longer line grows the buffer.
    pub buffer: usize,
}

/// The defaults: segments large enough to amortise a task, a read buffer
/// small enough to stay in L2 while its lines are parsed.
pub(super) const DEFAULT_LAYOUT: Layout = Layout {
    segment: 4 << 20,
    buffer: 1 << 20,
};

/// The UTF-8 encoding of U+FEFF, which some writers put before the first line.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Bytes read past a segment's end at a time while finishing its last line.
const OVERRUN: u64 = 64 << 10;

/// Why a segment stopped early.
pub(super) enum Stop {
    /// A broken line, numbered from 1 within the segment.
    Line {
        line: usize,
        column: usize,
        message: String,
    },
    /// The source could not be read.
    Read(String),
}

/// One segment's rows.
pub(super) struct Piece {
    pub rows: usize,
    /// Lines started in the segment, blank ones included.
    pub lines: usize,
    pub columns: Vec<Column>,
    /// Where each row's line starts in the source (past a byte-order mark), so
    /// that a line can be read again without a scan.
    pub starts: Vec<u64>,
    pub stop: Option<Stop>,
}

/// A window of the source held in `buffer[..filled]`, starting at `offset`.
struct Window<'a, S: Source + ?Sized> {
    source: &'a S,
    buffer: &'a mut Vec<u8>,
    offset: u64,
    filled: usize,
    eof: bool,
}

impl<S: Source + ?Sized> Window<'_, S> {
    /// Reads more, up to a full buffer or `limit` bytes past the window's end.
    fn fill(&mut self, limit: u64) -> std::io::Result<()> {
        let room = self.buffer.len() - self.filled;
        let want = usize::try_from(limit.max(OVERRUN)).map_or(room, |l| l.min(room));
        let target = self.filled + want;
        while self.filled < target {
            let at = self.offset + self.filled as u64;
            match self
                .source
                .read_some_at(&mut self.buffer[self.filled..target], at)?
            {
                0 => {
                    self.eof = true;
                    break;
                }
                n => self.filled += n,
            }
        }
        Ok(())
    }

    /// Drops `buffer[..keep_from]`, growing the buffer when nothing can go.
    fn advance(&mut self, keep_from: usize) {
        self.buffer.copy_within(keep_from..self.filled, 0);
        self.offset += keep_from as u64;
        self.filled -= keep_from;
        if self.filled == self.buffer.len() {
            let grown = self.buffer.len() * 2;
            self.buffer.resize(grown, 0);
        }
    }
}

/// Scans the lines starting in `[start, end)` of `source`. `buffer` is
/// reused between segments of one thread (zeroed only when its size changes).
pub(super) fn scan_segment<S: Source + ?Sized>(
    source: &S,
    (start, end): (u64, u64),
    keys: &[KeySpec],
    buffer: &mut Vec<u8>,
    layout: Layout,
) -> Piece {
    let mut piece = Piece {
        rows: 0,
        lines: 0,
        columns: empty_columns(keys),
        starts: Vec::new(),
        stop: None,
    };
    if buffer.len() != layout.buffer {
        // First use, another layout, or grown by a very long line: start afresh.
        *buffer = vec![0; layout.buffer];
    }
    let mut window = Window {
        source,
        buffer,
        offset: start.saturating_sub(1),
        filled: 0,
        eof: false,
    };
    let result = scan_window(&mut window, start, end, keys, &mut piece);
    if let Err(e) = result {
        piece.stop = Some(Stop::Read(format!("cannot read: {e}")));
    }
    piece
}

fn scan_window<S: Source + ?Sized>(
    window: &mut Window<'_, S>,
    start: u64,
    end: u64,
    keys: &[KeySpec],
    piece: &mut Piece,
) -> std::io::Result<()> {
    // Our first line starts after the first newline at or past `start - 1`
    // (the line running into the segment belongs to the one before).
    let mut next = 0usize;
    if start > 0 {
        loop {
            window.fill(end.saturating_sub(window.offset))?;
            if let Some(i) = memchr(b'\n', &window.buffer[..window.filled]) {
                next = i + 1;
                break;
            }
            if window.eof || window.offset + window.filled as u64 >= end {
                // No line starts here (a line longer than the segment runs through):
                // the segment holding its start reads it, not every segment it spans.
                return Ok(());
            }
            let all = window.filled;
            window.advance(all);
        }
    }
    let mut keys = KeyLookup::new(keys);
    loop {
        if !window.eof {
            let at = window.offset + window.filled as u64;
            window.fill(end.saturating_sub(at))?;
        }
        // Parse only complete lines: up to the last newline, or everything at the end.
        let complete = if window.eof {
            window.filled
        } else {
            match memrchr(b'\n', &window.buffer[next..window.filled]) {
                Some(i) => next + i + 1,
                None => {
                    window.advance(next);
                    next = 0;
                    continue;
                }
            }
        };
        while next < complete {
            if window.offset + next as u64 >= end {
                return Ok(());
            }
            piece.lines += 1;
            // A UTF-8 byte-order mark (Windows tools write one) before line 1.
            let at_file_start = window.offset == 0 && next == 0;
            let skip = if at_file_start && window.buffer[..complete].starts_with(UTF8_BOM) {
                UTF8_BOM.len()
            } else {
                0
            };
            match parse_line(
                &window.buffer[next + skip..complete],
                &mut keys,
                &mut piece.columns,
            ) {
                Ok(parsed) => {
                    piece.rows += usize::from(parsed.is_row);
                    if parsed.is_row {
                        piece.starts.push(window.offset + (next + skip) as u64);
                    }
                    next += skip + parsed.consumed;
                    if piece.rows == 1 && parsed.is_row {
                        // Size the columns from the first line, not by doubling.
                        let lines = (end - start) / parsed.consumed.max(64) as u64;
                        let lines = usize::try_from(lines).unwrap_or(0).min(1 << 20);
                        for column in &mut piece.columns {
                            column.reserve_like_last(lines + 16);
                        }
                        piece.starts.reserve(lines + 16);
                    }
                }
                Err(broken) => {
                    piece.stop = Some(Stop::Line {
                        line: piece.lines,
                        column: broken.column,
                        message: broken.message,
                    });
                    return Ok(());
                }
            }
        }
        if window.eof {
            return Ok(());
        }
        window.advance(next);
        next = 0;
    }
}
