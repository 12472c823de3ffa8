//! Walking JSON text without building it: skip whitespace, strings and whole
//! arrays or objects, read bare tokens. Shared by the JSON-lines scanner
//! (one record per line) and the whole-document walker.
//!
//! A raw newline cannot occur inside a JSON string, so string ends are found
//! by searching for the next quote *or* newline: in a record a newline there
//! is a truncated line, in a document it is invalid JSON either way.

use memchr::memchr2;

/// Bytes of a string searched 16 at a time before handing over to `memchr2`
/// (keys, filter names and 64-digit hashes end within them).
const SHORT_STRING: usize = 80;
/// Bracket depth kept on the stack before spilling to the heap.
const INLINE_DEPTH: usize = 64;

/// A position in JSON text. `MULTILINE = false`: one JSON-lines record, where
/// a raw newline ends the record (inside a value it is a truncated line);
/// `true`: a whole document, where newlines are whitespace.
pub(super) struct Cursor<'a, const MULTILINE: bool> {
    pub bytes: &'a [u8],
    pub pos: usize,
}

impl<'a, const MULTILINE: bool> Cursor<'a, MULTILINE> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Cursor { bytes, pos: 0 }
    }

    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips blanks (a newline is one only in a whole document: it ends a record).
    pub fn skip_ws(&mut self) {
        while let Some(byte) = self.peek() {
            match byte {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' if MULTILINE => self.pos += 1,
                _ => break,
            }
        }
    }

    /// Past `byte` after any blanks, else the error saying what was expected.
    ///
    /// Inlined with the usual case first (the byte right here, or after one
    /// space as `json.dumps` writes): it runs twice per member, and a call
    /// that skips blanks and builds a `Result` cost ~30 instructions of it.
    #[inline(always)]
    pub fn expect(&mut self, byte: u8, what: &str) -> Result<(), String> {
        match self.bytes.get(self.pos) {
            Some(&b) if b == byte => {
                self.pos += 1;
                Ok(())
            }
            Some(b' ') if self.bytes.get(self.pos + 1) == Some(&byte) => {
                self.pos += 2;
                Ok(())
            }
            _ => self.expect_after_blanks(byte, what),
        }
    }

    /// Past `byte` if it is the next one.
    #[inline(always)]
    fn take(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            return true;
        }
        false
    }

    /// [`Self::expect`] where blanks other than one space come first, or the
    /// byte is missing.
    #[cold]
    #[inline(never)]
    fn expect_after_blanks(&mut self, byte: u8, what: &str) -> Result<(), String> {
        self.skip_ws();
        if self.take(byte) {
            return Ok(());
        }
        Err(match self.peek() {
            None | Some(b'\n') => format!(
                "{} ends where {what} was expected (truncated?)",
                if MULTILINE { "the text" } else { "line" }
            ),
            Some(b) => format!("expected {what}{}, found {:?}", self.at_byte(), b as char),
        })
    }

    /// After a member's value: past a `,` (true: another member follows) or
    /// the object's closing `}` (false). Inlined with the usual case first,
    /// as [`Self::expect`].
    #[inline(always)]
    pub fn after_member(&mut self) -> Result<bool, String> {
        match self.member_end() {
            Some(more) => Ok(more),
            None => self.after_member_blanks(),
        }
    }

    /// Past a `,` (true) or `}` (false) if one is the next byte.
    #[inline(always)]
    fn member_end(&mut self) -> Option<bool> {
        let more = match self.bytes.get(self.pos) {
            Some(b',') => true,
            Some(b'}') => false,
            _ => return None,
        };
        self.pos += 1;
        Some(more)
    }

    /// [`Self::after_member`] past blanks, or the error.
    #[cold]
    #[inline(never)]
    fn after_member_blanks(&mut self) -> Result<bool, String> {
        self.skip_ws();
        if let Some(more) = self.member_end() {
            return Ok(more);
        }
        Err(match self.peek() {
            None | Some(b'\n') => format!(
                "{} ends inside the object (truncated?)",
                if MULTILINE { "the text" } else { "line" }
            ),
            Some(b) => format!(
                "expected ',' or '}}'{}, found {:?}",
                self.at_byte(),
                b as char
            ),
        })
    }

    /// Where the cursor is, for messages about a document (" at byte N"); a
    /// record's column is carried as a field of the error instead.
    pub fn at_byte(&self) -> String {
        if MULTILINE {
            format!(" at byte {}", self.pos)
        } else {
            String::new()
        }
    }

    /// Past the closing quote of a string whose opening quote is at `pos - 1`;
    /// returns the raw (still escaped) content. Inlined: it runs ~30 times a
    /// line, mostly on short strings, where a call's prologue is a third of it.
    #[inline(always)]
    pub fn string_body(&mut self) -> Result<&'a [u8], String> {
        let start = self.pos;
        match closing_quote(self.bytes, start) {
            Some(at) => {
                self.pos = at + 1;
                Ok(&self.bytes[start..at])
            }
            None => Err("unterminated string (truncated line?)".into()),
        }
    }

    /// Skips an array or object whose opening bracket is at `pos`: 64 bytes
    /// at a time where the value is plain, byte by byte where it is not (and
    /// for the exact error of a broken one).
    pub fn skip_compound(&mut self) -> Result<(), String> {
        #[cfg(target_arch = "x86_64")]
        if let Some(end) = super::structure::compound_end(self.bytes, self.pos, MULTILINE) {
            self.pos = end;
            return Ok(());
        }
        self.walk_compound()
    }

    /// The byte-wise walk over an array or object whose opening bracket is at `pos`.
    pub(super) fn walk_compound(&mut self) -> Result<(), String> {
        let mut inline = [0u8; INLINE_DEPTH];
        let mut spill: Vec<u8> = Vec::new();
        let mut depth = 0usize;
        loop {
            let Some(byte) = self.peek() else {
                return Err("unbalanced brackets (truncated line?)".into());
            };
            self.pos += 1;
            let closer = match byte {
                b'"' => {
                    self.string_body()?;
                    continue;
                }
                b'{' => b'}',
                b'[' => b']',
                b'}' | b']' => {
                    let open = match depth {
                        0 => None,
                        d if d <= INLINE_DEPTH => Some(inline[d - 1]),
                        _ => spill.pop(),
                    };
                    if open != Some(byte) {
                        self.pos -= 1; // the error is at the bracket itself
                        return Err(format!("mismatched {:?}{}", byte as char, self.at_byte()));
                    }
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                    continue;
                }
                b'\n' if !MULTILINE => {
                    // The line ends here: the error is at the newline, as where
                    // the text itself ends (not one byte past it).
                    self.pos -= 1;
                    return Err("unbalanced brackets (truncated line?)".into());
                }
                _ => continue,
            };
            if depth < INLINE_DEPTH {
                inline[depth] = closer;
            } else {
                spill.push(closer);
            }
            depth += 1;
        }
    }

    /// A bare token (number, true, false, null, NaN, Infinity).
    pub fn token(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                break;
            }
            self.pos += 1;
        }
        &self.bytes[start..self.pos]
    }
}

/// The quote that closes a string whose content runs on at `from`: the first
/// quote after an even run of backslashes; None at a newline or the end
/// (`from` is at most the text's length).
///
/// Jumps from quote to quote (prompts are full of escaped newlines but have
/// few quotes). The run is counted back from the quote over the whole text:
/// it cannot pass the string's opening quote, and so may start before `from`
/// (`structure` resumes in the middle of a string).
#[inline(always)]
pub(super) fn closing_quote(bytes: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let at = quote_or_newline(bytes, from)?;
        if bytes[at] != b'"' {
            return None;
        }
        let run = bytes[..at]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if run % 2 == 0 {
            return Some(at);
        }
        from = at + 1;
    }
}

/// The first `"` or newline at or after `from`.
///
/// Most strings are short (keys, hashes, filter names), where the SIMD
/// search's setup costs more than the search: the first [`SHORT_STRING`]
/// bytes are checked 16 at a time, and only longer strings go to `memchr2`.
///
/// The first 16 bytes are checked inline: keys, hashes and filter names
/// mostly end there, and a call per string cost a tenth of the line's parse.
#[inline(always)]
fn quote_or_newline(bytes: &[u8], from: usize) -> Option<usize> {
    match bytes.get(from..from + 16) {
        Some(chunk) => match first_quote_or_newline_16(chunk) {
            Some(i) => Some(from + i),
            None => quote_or_newline_beyond(bytes, from + 16),
        },
        None => quote_or_newline_beyond(bytes, from),
    }
}

/// [`quote_or_newline`] from `from` on, past its inline first check (or where
/// fewer than 16 bytes were left for it).
#[inline(never)]
fn quote_or_newline_beyond(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    let short_end = (from + SHORT_STRING).min(bytes.len());
    while at + 16 <= short_end {
        if let Some(i) = first_quote_or_newline_16(&bytes[at..at + 16]) {
            return Some(at + i);
        }
        at += 16;
    }
    if at + 16 > bytes.len() {
        return bytes[at..]
            .iter()
            .position(|&b| b == b'"' || b == b'\n')
            .map(|i| at + i);
    }
    memchr2(b'"', b'\n', &bytes[at..]).map(|i| at + i)
}

/// The first `"` or newline among 16 bytes, with SSE2 (part of every x86-64).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn first_quote_or_newline_16(chunk: &[u8]) -> Option<usize> {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    assert!(chunk.len() >= 16);
    // SAFETY: SSE2 is in the x86-64 baseline, and the unaligned load reads the
    // 16 bytes the assert above guarantees.
    let mask = unsafe {
        let block = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
        let quotes = _mm_cmpeq_epi8(block, _mm_set1_epi8(b'"' as i8));
        let newlines = _mm_cmpeq_epi8(block, _mm_set1_epi8(b'\n' as i8));
        _mm_movemask_epi8(_mm_or_si128(quotes, newlines)) as u32
    };
    (mask != 0).then(|| mask.trailing_zeros() as usize)
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn first_quote_or_newline_16(chunk: &[u8]) -> Option<usize> {
    chunk[..16].iter().position(|&b| b == b'"' || b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::quote_or_newline;

    #[test]
    fn finder_agrees_with_a_plain_search_at_every_offset() {
        // Hits near every chunk edge and past the short-string stretch.
        for len in [0usize, 1, 15, 16, 17, 79, 80, 81, 200] {
            for hit in 0..len {
                for byte in [b'"', b'\n'] {
                    let mut bytes = vec![b'a'; len];
                    bytes[hit] = byte;
                    for from in 0..=hit {
                        assert_eq!(
                            quote_or_newline(&bytes, from),
                            Some(hit),
                            "{len} {hit} {from}"
                        );
                    }
                    assert_eq!(quote_or_newline(&bytes, hit + 1), None);
                }
            }
        }
    }
}
