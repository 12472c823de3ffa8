//! Pulling a few top-level keys out of big JSON-lines files without parsing the rest.
//!
//! Evaluation harnesses log one JSON object per sample, and most of each line is
//! prompt text we do not need (lm-eval samples: doc, arguments, responses). This
//! scanner walks each line's top-level members, skips unwanted values by
//! bracket matching (strings are skipped with `memchr2`, so long prompts cost a
//! SIMD scan, not a parse), and decodes only the wanted values. Lines are
//! processed in parallel in fixed blocks read from the file, so memory is one
//! block plus the kept columns, not the file.
//!
//! It checks structure (one object per line, terminated strings, balanced
//! brackets, `:`/`,` between members, nothing after the object) and reports the
//! first broken line by number; it does not validate every number token inside
//! skipped values, which a full parser would.

use std::io::Read;
use std::sync::mpsc;

use memchr::{memchr, memrchr};
use rayon::prelude::*;

use crate::control::Checkpoint;
use crate::error::{Error, Result};

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

    /// Appends another piece's rows.
    fn append(&mut self, other: Texts) {
        let base = self.data.len() as i64;
        self.data.extend_from_slice(&other.data);
        self.offsets
            .extend(other.offsets[1..].iter().map(|o| o + base));
        self.valid.extend_from_slice(&other.valid);
    }

    /// The text of row `row`.
    pub fn get(&self, row: usize) -> Option<&str> {
        if !*self.valid.get(row)? {
            return None;
        }
        let bytes = &self.data[self.offsets[row] as usize..self.offsets[row + 1] as usize];
        std::str::from_utf8(bytes).ok()
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

/// The wanted keys' values, one entry per non-blank line, in file order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Column {
    /// A [`kind`] code per row.
    pub kinds: Vec<u8>,
    /// The numeric value per row (NaN unless the kind is NUMBER or BOOL).
    pub numbers: Vec<f64>,
    /// When [`KeySpec::want_text`]: string contents, and the raw token of
    /// numbers that are not integers below 2^53 (integers are in `numbers`).
    pub texts: Option<Texts>,
}

/// Everything [`scan`] extracted.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Scan {
    /// Rows (non-blank lines).
    pub rows: usize,
    /// One column per wanted key, in the order of the keys.
    pub columns: Vec<Column>,
}

/// Bytes read per block; a longer line grows the block.
const BLOCK: usize = 16 << 20;
/// Pieces per thread a block is split into (load balance).
const PIECES_PER_THREAD: usize = 4;

struct Failure {
    line: usize, // 1-based within the piece
    message: String,
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> std::result::Result<(), String> {
        self.skip_ws();
        match self.peek() {
            Some(b) if b == byte => {
                self.pos += 1;
                Ok(())
            }
            Some(b) => Err(format!(
                "expected {what} at column {}, found {:?}",
                self.pos + 1,
                b as char
            )),
            None => Err(format!("line ends where {what} was expected (truncated?)")),
        }
    }

    /// Past the closing quote of a string whose opening quote is at `pos - 1`;
    /// returns the raw (still escaped) content.
    fn string_body(&mut self) -> std::result::Result<&'a [u8], String> {
        // Jump from quote to quote (prompts are full of escaped newlines but have
        // few quotes); a quote preceded by an odd run of backslashes is escaped.
        let start = self.pos;
        let mut from = self.pos;
        loop {
            let Some(offset) = memchr(b'"', &self.bytes[from..]) else {
                return Err("unterminated string (truncated line?)".into());
            };
            let at = from + offset;
            let run = self.bytes[start..at]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\\')
                .count();
            if run % 2 == 0 {
                self.pos = at + 1;
                return Ok(&self.bytes[start..at]);
            }
            from = at + 1;
        }
    }

    /// Skips an array or object whose opening bracket is at `pos`.
    fn skip_compound(&mut self) -> std::result::Result<(), String> {
        let mut stack: Vec<u8> = Vec::with_capacity(8);
        loop {
            let Some(byte) = self.peek() else {
                return Err("unbalanced brackets (truncated line?)".into());
            };
            self.pos += 1;
            match byte {
                b'"' => {
                    self.string_body()?;
                }
                b'{' => stack.push(b'}'),
                b'[' => stack.push(b']'),
                b'}' | b']' => {
                    if stack.pop() != Some(byte) {
                        return Err(format!(
                            "mismatched {:?} at column {}",
                            byte as char, self.pos
                        ));
                    }
                    if stack.is_empty() {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
    }

    /// A bare token (number, true, false, null, NaN, Infinity).
    fn token(&mut self) -> &'a [u8] {
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

fn unescape(raw: &[u8]) -> std::result::Result<String, String> {
    let mut out: Vec<u8> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        let Some(&esc) = raw.get(i + 1) else {
            return Err("bad escape at end of string".into());
        };
        i += 2;
        let simple = match esc {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'u' => None,
            other => return Err(format!("bad escape \\{}", other as char)),
        };
        if let Some(byte) = simple {
            out.push(byte);
            continue;
        }
        let hex = |at: usize| -> std::result::Result<u32, String> {
            raw.get(at..at + 4)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .ok_or_else(|| "bad \\u escape".to_string())
        };
        let mut code = hex(i)?;
        i += 4;
        if (0xD800..0xDC00).contains(&code) && raw.get(i..i + 2) == Some(b"\\u") {
            let low = hex(i + 2)?;
            if (0xDC00..0xE000).contains(&low) {
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                i += 6;
            }
        }
        let ch = char::from_u32(code).unwrap_or('\u{FFFD}');
        let mut buf = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
    }
    String::from_utf8(out).map_err(|_| "string is not valid UTF-8".into())
}

fn number_of(token: &[u8]) -> Option<f64> {
    match token {
        b"NaN" => Some(f64::NAN),
        b"Infinity" => Some(f64::INFINITY),
        b"-Infinity" => Some(f64::NEG_INFINITY),
        _ => {
            let first = *token.first()?;
            if !(first == b'-' || first.is_ascii_digit()) {
                return None;
            }
            std::str::from_utf8(token).ok()?.parse::<f64>().ok()
        }
    }
}

/// Appends one row per non-blank line of `piece` to `columns`; returns the row count.
/// Returns (rows, lines) on success.
fn scan_piece(
    piece: &[u8],
    keys: &[KeySpec],
    columns: &mut [Column],
) -> std::result::Result<(usize, usize), Failure> {
    let mut rows = 0;
    let mut line_no = 0;
    let mut start = 0;
    while start < piece.len() {
        let end = memchr(b'\n', &piece[start..]).map_or(piece.len(), |o| start + o);
        line_no += 1;
        let line = &piece[start..end];
        start = end + 1;
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        for column in columns.iter_mut() {
            column.kinds.push(kind::MISSING);
            column.numbers.push(f64::NAN);
            if let Some(texts) = column.texts.as_mut() {
                texts.start_row();
            }
        }
        scan_line(line, keys, columns, rows).map_err(|message| Failure {
            line: line_no,
            message,
        })?;
        rows += 1;
    }
    Ok((rows, line_no))
}

fn scan_line(
    line: &[u8],
    keys: &[KeySpec],
    columns: &mut [Column],
    row: usize,
) -> std::result::Result<(), String> {
    let mut cur = Cursor {
        bytes: line,
        pos: 0,
    };
    cur.expect(b'{', "'{' (one JSON object per line)")?;
    cur.skip_ws();
    if cur.peek() == Some(b'}') {
        cur.pos += 1;
    } else {
        loop {
            cur.expect(b'"', "a key")?;
            let name = cur.string_body()?;
            cur.expect(b':', "':'")?;
            cur.skip_ws();
            let wanted = keys.iter().position(|k| k.name.as_bytes() == name);
            match (wanted, cur.peek()) {
                (_, None) => return Err("line ends inside a value (truncated?)".into()),
                (None, Some(b'"')) => {
                    cur.pos += 1;
                    cur.string_body()?;
                }
                (None, Some(b'{' | b'[')) => cur.skip_compound()?,
                (None, Some(_)) => {
                    if cur.token().is_empty() {
                        return Err(format!("missing value at column {}", cur.pos + 1));
                    }
                }
                (Some(k), Some(first)) => {
                    read_value(&mut cur, first, &mut columns[k], row)?;
                }
            }
            cur.skip_ws();
            match cur.peek() {
                Some(b',') => cur.pos += 1,
                Some(b'}') => {
                    cur.pos += 1;
                    break;
                }
                Some(b) => {
                    return Err(format!(
                        "expected ',' or '}}' at column {}, found {:?}",
                        cur.pos + 1,
                        b as char
                    ));
                }
                None => return Err("line ends inside the object (truncated?)".into()),
            }
        }
    }
    cur.skip_ws();
    if cur.pos != line.len() {
        return Err(format!("text after the object at column {}", cur.pos + 1));
    }
    Ok(())
}

fn read_value(
    cur: &mut Cursor<'_>,
    first: u8,
    column: &mut Column,
    row: usize,
) -> std::result::Result<(), String> {
    match first {
        b'"' => {
            cur.pos += 1;
            let raw = cur.string_body()?;
            let escaped = memchr(b'\\', raw).is_some();
            column.kinds[row] = kind::STRING;
            if let Some(texts) = column.texts.as_mut() {
                if escaped {
                    texts.set_last(unescape(raw)?.as_bytes());
                } else {
                    std::str::from_utf8(raw).map_err(|_| "string is not valid UTF-8")?;
                    texts.set_last(raw);
                }
            }
        }
        b'[' => {
            cur.skip_compound()?;
            column.kinds[row] = kind::ARRAY;
        }
        b'{' => {
            cur.skip_compound()?;
            column.kinds[row] = kind::OBJECT;
        }
        _ => {
            let token = cur.token();
            if token.is_empty() {
                return Err(format!("missing value at column {}", cur.pos + 1));
            }
            let (code, value) = match token {
                b"null" => (kind::NULL, f64::NAN),
                b"true" => (kind::BOOL, 1.0),
                b"false" => (kind::BOOL, 0.0),
                _ => match number_of(token) {
                    Some(v) => (kind::NUMBER, v),
                    None => {
                        return Err(format!(
                            "bad value {:?}",
                            String::from_utf8_lossy(&token[..token.len().min(20)])
                        ));
                    }
                },
            };
            column.kinds[row] = code;
            column.numbers[row] = value;
            let integral = value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0;
            if code == kind::NUMBER && !integral {
                if let Some(texts) = column.texts.as_mut() {
                    texts.set_last(token);
                }
            }
        }
    }
    Ok(())
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

/// Splits `block` (which ends at a line boundary) into about `n` pieces at newlines.
fn split_lines(block: &[u8], n: usize) -> Vec<&[u8]> {
    let mut pieces = Vec::with_capacity(n);
    let target = block.len().div_ceil(n.max(1)).max(1);
    let mut start = 0;
    while start < block.len() {
        let guess = (start + target).min(block.len());
        let end = if guess >= block.len() {
            block.len()
        } else {
            memchr(b'\n', &block[guess..]).map_or(block.len(), |o| guess + o + 1)
        };
        pieces.push(&block[start..end]);
        start = end;
    }
    pieces
}

/// Reads `reader` in blocks that end at a line boundary (a line longer than a
/// block grows it) and sends them on `blocks`. Buffers the scanner is done
/// with come back on `spent` and are refilled, so the pages are touched once.
fn read_blocks<R: Read>(
    mut reader: R,
    blocks: &mpsc::SyncSender<Vec<u8>>,
    spent: &mpsc::Receiver<Vec<u8>>,
) -> std::result::Result<(), String> {
    let mut carry: Vec<u8> = Vec::new();
    let mut size = BLOCK;
    loop {
        let mut buffer = spent.try_recv().unwrap_or_default();
        buffer.clear();
        buffer.extend_from_slice(&carry);
        let start = buffer.len();
        buffer.resize(start.max(size), 0);
        let mut filled = start;
        let mut eof = false;
        while filled < buffer.len() {
            match reader.read(&mut buffer[filled..]) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("cannot read: {e}")),
            }
        }
        buffer.truncate(filled);
        if eof {
            if !buffer.is_empty() {
                let _ = blocks.send(buffer);
            }
            return Ok(());
        }
        match memrchr(b'\n', &buffer) {
            Some(last) => {
                carry.clear();
                carry.extend_from_slice(&buffer[last + 1..]);
                buffer.truncate(last + 1);
                size = BLOCK.max(carry.len() * 2);
                if blocks.send(buffer).is_err() {
                    return Ok(()); // the scanner stopped
                }
            }
            None => {
                // One line longer than the block: keep it all and read more.
                size = buffer.len() * 2;
                carry = buffer;
            }
        }
    }
}

/// Appends the rows of one piece to `out`.
fn merge_piece(out: &mut Scan, rows: usize, columns: Vec<Column>) {
    out.rows += rows;
    for (into, from) in out.columns.iter_mut().zip(columns) {
        into.kinds.extend_from_slice(&from.kinds);
        into.numbers.extend_from_slice(&from.numbers);
        if let (Some(all), Some(part)) = (into.texts.as_mut(), from.texts) {
            all.append(part);
        }
    }
}

/// Scans every line of `reader` for the top-level `keys`.
///
/// Reading runs on its own thread, one block ahead of the parallel scan.
/// Errors name the 1-based line number (blank lines count) and what is wrong.
pub fn scan<R: Read + Send>(
    reader: R,
    keys: &[KeySpec],
    checkpoint: &dyn Checkpoint,
) -> Result<Scan> {
    let mut out = Scan {
        rows: 0,
        columns: empty_columns(keys),
    };
    let pieces_wanted = rayon::current_num_threads() * PIECES_PER_THREAD;
    let (sender, receiver) = mpsc::sync_channel::<Vec<u8>>(1);
    let (recycle, spent) = mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        let reading = scope.spawn(move || read_blocks(reader, &sender, &spent));
        let mut lines_before = 0usize;
        let mut outcome: Result<()> = Ok(());
        for block in receiver.iter() {
            if let Err(e) = checkpoint.check() {
                outcome = Err(e);
                break;
            }
            let pieces = split_lines(&block, pieces_wanted);
            let results: Vec<_> = pieces
                .par_iter()
                .map(|piece| {
                    let mut columns = empty_columns(keys);
                    let result = scan_piece(piece, keys, &mut columns);
                    (result, columns)
                })
                .collect();
            for (result, columns) in results {
                match result {
                    Ok((rows, lines)) => {
                        merge_piece(&mut out, rows, columns);
                        lines_before += lines;
                    }
                    Err(failure) => {
                        outcome = Err(Error::InvalidArgument(format!(
                            "line {}: {}",
                            lines_before + failure.line,
                            failure.message
                        )));
                        break;
                    }
                }
            }
            let _ = recycle.send(block); // the reader may have finished already
            if outcome.is_err() {
                break;
            }
        }
        drop(receiver);
        let read_result = reading
            .join()
            .unwrap_or_else(|_| Err("the reading thread panicked".into()));
        outcome?;
        read_result.map_err(Error::InvalidArgument)
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;

    fn keys(spec: &[(&str, bool)]) -> Vec<KeySpec> {
        spec.iter()
            .map(|(n, t)| KeySpec {
                name: (*n).to_string(),
                want_text: *t,
            })
            .collect()
    }

    fn run(text: &str, spec: &[(&str, bool)]) -> Result<Scan> {
        scan(text.as_bytes(), &keys(spec), &NeverStop)
    }

    #[test]
    fn extracts_top_level_keys_only() {
        let text = concat!(
            r#"{"doc_id": 3, "doc": {"doc_id": 99, "q": "a \"quoted\" {x} [y]"}, "acc": 1.0, "h": "ab"}"#,
            "\n",
            "\n",
            r#"{"doc": [1, {"acc": 5}], "doc_id": "x\u00e9", "acc": true, "h": null}"#,
            "\n"
        );
        let out = run(text, &[("doc_id", true), ("acc", false), ("h", true)]).unwrap();
        assert_eq!(out.rows, 2);
        let id = &out.columns[0];
        assert_eq!(id.kinds, vec![kind::NUMBER, kind::STRING]);
        let texts = id.texts.as_ref().unwrap();
        assert_eq!(texts.get(0), None); // an integer id stays in `numbers`
        assert_eq!(id.numbers[0], 3.0);
        assert_eq!(texts.get(1), Some("x\u{e9}"));
        let acc = &out.columns[1];
        assert_eq!(acc.kinds, vec![kind::NUMBER, kind::BOOL]);
        assert_eq!(acc.numbers, vec![1.0, 1.0]);
        assert!(acc.texts.is_none());
        assert_eq!(out.columns[2].kinds, vec![kind::STRING, kind::NULL]);
    }

    #[test]
    fn lists_missing_and_python_literals() {
        let text = "{\"a\": [true, false], \"b\": NaN}\n{\"b\": -Infinity}\n";
        let out = run(text, &[("a", false), ("b", false)]).unwrap();
        assert_eq!(out.columns[0].kinds, vec![kind::ARRAY, kind::MISSING]);
        assert!(out.columns[1].numbers[0].is_nan());
        assert_eq!(out.columns[1].numbers[1], f64::NEG_INFINITY);
    }

    #[test]
    fn escaped_backslashes_before_quotes() {
        let text = r#"{"p": "a \\", "q": "b \\\" c", "a": 1, "s": "x\\"}"#;
        let out = run(text, &[("a", false), ("s", true)]).unwrap();
        assert_eq!(out.columns[0].numbers, vec![1.0]);
        assert_eq!(out.columns[1].texts.as_ref().unwrap().get(0), Some("x\\"));
    }

    #[test]
    fn surrogate_pairs_and_escapes() {
        let out = run(r#"{"s": "\ud83d\ude00 \t\\ \/"}"#, &[("s", true)]).unwrap();
        assert_eq!(
            out.columns[0].texts.as_ref().unwrap().get(0),
            Some("\u{1F600} \t\\ /")
        );
    }

    #[test]
    fn broken_lines_are_reported_by_number() {
        let cases = [
            (
                "{\"a\": 1}\n\n{\"a\": \"unterminated\n",
                "line 3: unterminated string",
            ),
            ("{\"a\": 1}\n{\"a\": [1, 2}\n", "line 2: mismatched"),
            ("{\"a\": 1} x\n", "line 1: text after the object"),
            ("[1]\n", "line 1: expected '{'"),
            ("{\"a\" 1}\n", "line 1: expected ':'"),
            ("{\"a\": 1\n", "line 1: line ends inside the object"),
            ("{\"a\": wat}\n", "line 1: bad value"),
        ];
        for (text, expected) in cases {
            let err = run(text, &[("a", false)]).unwrap_err().to_string();
            assert!(err.starts_with(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn lines_longer_than_a_block_and_many_blocks() {
        let long = "x".repeat(BLOCK + 10);
        let mut text = String::new();
        for i in 0..3 {
            text.push_str(&format!("{{\"p\": \"{long}\", \"i\": {i}}}\n"));
        }
        let out = run(&text, &[("i", false)]).unwrap();
        assert_eq!(out.columns[0].numbers, vec![0.0, 1.0, 2.0]);
    }

    #[test]
    fn line_numbers_across_pieces_and_blocks() {
        let mut text = String::new();
        let filler = "y".repeat(2000);
        for i in 0..20_000 {
            text.push_str(&format!("{{\"p\": \"{filler}\", \"i\": {i}}}\n"));
        }
        text.push_str("{\"i\": }\n");
        let err = run(&text, &[("i", false)]).unwrap_err().to_string();
        assert!(err.starts_with("line 20001: missing value"), "{err}");
        let ok = run(&text[..text.len() - 8], &[("i", false)]).unwrap();
        assert_eq!(ok.rows, 20_000);
        assert_eq!(ok.columns[0].numbers[19_999], 19_999.0);
    }

    #[test]
    fn texts_across_pieces_and_blocks() {
        let filler = "z".repeat(3000);
        let mut text = String::new();
        for i in 0..12_000 {
            let f = if i % 2 == 0 { "strict" } else { "flex" };
            text.push_str(&format!(
                "{{\"p\": \"{filler}\", \"f\": \"{f}\", \"id\": {i}.5, \"h\": \"h{}\"}}\n",
                i / 2
            ));
        }
        let out = run(&text, &[("f", true), ("id", true), ("h", true)]).unwrap();
        let f = out.columns[0].texts.as_ref().unwrap();
        assert_eq!(f.len(), 12_000);
        assert_eq!(f.get(11_999), Some("flex"));
        assert_eq!(f.get(11_998), Some("strict"));
        let id = out.columns[1].texts.as_ref().unwrap();
        assert_eq!(id.get(7_001), Some("7001.5")); // non-integers keep their token
        let h = out.columns[2].texts.as_ref().unwrap();
        assert_eq!(*h.offsets.last().unwrap() as usize, h.data.len());
        assert_eq!(h.get(9_999), Some("h4999"));
    }

    #[test]
    fn repeated_key_last_wins() {
        let out = run(
            "{\"s\": \"a\", \"s\": \"bb\"}\n{\"s\": \"c\"}\n",
            &[("s", true)],
        )
        .unwrap();
        let texts = out.columns[0].texts.as_ref().unwrap();
        assert_eq!((texts.get(0), texts.get(1)), (Some("bb"), Some("c")));
        assert_eq!(texts.data, b"bbc");
    }

    #[test]
    fn empty_input() {
        let out = run("", &[("a", true)]).unwrap();
        assert_eq!(out.rows, 0);
        assert_eq!(out.columns[0].kinds.len(), 0);
    }
}
