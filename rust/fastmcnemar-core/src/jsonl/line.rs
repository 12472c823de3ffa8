//! Parsing one JSON-lines record in a single pass: walk the top-level
//! members, skip unwanted values, decode wanted ones, stop at the newline.
//!
//! Lines of one file name their members alike and in the same order, so each
//! member's `"name":` is remembered from the line before and recognised by
//! comparing four words ([`KeyLookup`]); other names are looked up among the
//! wanted keys of their length.
//!
//! A raw newline cannot occur inside a JSON string, so the line ends at the
//! first newline outside a value; finding it while parsing (rather than in a
//! separate pass) halves the bytes touched. A newline met inside a string or
//! bracket is a truncated line and is reported as such.

use memchr::memchr;

use super::cursor::Cursor;
use super::{Column, KeySpec, kind};

/// A broken line: the 1-based byte column where parsing stopped, and what is wrong.
pub(super) struct LineError {
    pub column: usize,
    pub message: String,
}

/// What one call of [`parse_line`] found.
pub(super) struct Parsed {
    /// Bytes consumed, including the line's newline when there is one.
    pub consumed: usize,
    /// False for a blank line, which makes no row.
    pub is_row: bool,
}

/// Key equality with the cheap rejections first: most keys on a line are not
/// wanted, and many share a length with a wanted one.
#[inline]
fn same_key(wanted: &[u8], name: &[u8]) -> bool {
    wanted.len() == name.len()
        && wanted.first() == name.first()
        && wanted.last() == name.last()
        && wanted == name
}

/// The wanted keys grouped by the length of their names, so that a member's
/// name is compared with the few wanted keys of its length (most names have
/// none) instead of with every wanted key; and the previous line's member
/// names by position (see [`Remembered`]). One per segment.
pub(super) struct KeyLookup<'a> {
    keys: &'a [KeySpec],
    /// Bit `i` of entry `len` for key `i` of that name length; names of
    /// [`LONG_NAME`] bytes or more share the last entry.
    by_length: [u64; LONG_NAME + 1],
    /// What the previous line had at each of its first [`MEMBERS`] members.
    previous: Vec<Remembered>,
}

/// Name lengths from here on share one entry of [`KeyLookup`].
const LONG_NAME: usize = 63;
/// Members per line whose names are remembered.
const MEMBERS: usize = 64;
/// Longest `"name":` remembered (the four words compared at once).
const REMEMBERED: usize = 32;

/// One member of the previous line: its name as written, `"name":`, and
/// which wanted key it is. Lines of one file name their members alike, in the
/// same order, so the next line's member at this position is recognised by
/// comparing a few words instead of searching for the name's closing quote,
/// checking the colon and looking the name up.
///
/// Where the bytes match, the full path would read the same: where a string
/// ends (which quote is escaped) is decided by its bytes alone, and the colon
/// was remembered right after the closing quote (a name written with blanks
/// before its colon is not remembered).
#[derive(Clone, Copy)]
struct Remembered {
    /// `"name":`, zero-padded.
    bytes: [u8; REMEMBERED],
    /// The bytes that count, as masks over the four words (all zero: nothing
    /// remembered).
    masks: [u64; 4],
    /// Length of `"name":`.
    len: usize,
    /// The wanted key of that name (its position in the keys), if any.
    wanted: Option<usize>,
}

impl Remembered {
    const NOTHING: Remembered = Remembered {
        bytes: [0; REMEMBERED],
        masks: [0; 4],
        len: 0,
        wanted: None,
    };

    /// Whether `text`, at the member's opening quote, starts with the
    /// remembered `"name":`.
    #[inline(always)]
    fn matches(&self, text: &[u8]) -> bool {
        if self.len == 0 {
            return false;
        }
        match text.get(..REMEMBERED) {
            Some(window) => {
                let word = |bytes: &[u8], i: usize| {
                    u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().unwrap_or([0; 8]))
                };
                (0..4).fold(0u64, |diff, i| {
                    diff | ((word(window, i) ^ word(&self.bytes, i)) & self.masks[i])
                }) == 0
            }
            None => text.get(..self.len) == Some(&self.bytes[..self.len]),
        }
    }
}

impl<'a> KeyLookup<'a> {
    /// The lookup over `keys`; past 64 keys every key is compared, as before.
    pub(super) fn new(keys: &'a [KeySpec]) -> Self {
        let mut by_length = [0u64; LONG_NAME + 1];
        for (i, key) in keys.iter().enumerate() {
            let entry = key.name.len().min(LONG_NAME);
            by_length[entry] |= 1u64.checked_shl(i as u32).unwrap_or(0);
        }
        KeyLookup {
            keys,
            by_length,
            previous: Vec::new(),
        }
    }

    /// The position in the keys of the wanted key named `name`, if any.
    #[inline(always)]
    fn find(&self, name: &[u8]) -> Option<usize> {
        if self.keys.len() > 64 {
            return self
                .keys
                .iter()
                .position(|k| same_key(k.name.as_bytes(), name));
        }
        let mut candidates = self.by_length[name.len().min(LONG_NAME)];
        while candidates != 0 {
            let i = candidates.trailing_zeros() as usize;
            if same_key(self.keys[i].name.as_bytes(), name) {
                return Some(i);
            }
            candidates &= candidates - 1;
        }
        None
    }

    /// Member `member`'s `"name":` and wanted key where `text` (at its
    /// opening quote) starts as the previous line's member there did: the
    /// length to step over and the key.
    #[inline(always)]
    fn recall(&self, member: usize, text: &[u8]) -> Option<(usize, Option<usize>)> {
        let previous = self.previous.get(member)?;
        previous
            .matches(text)
            .then_some((previous.len, previous.wanted))
    }

    /// Notes that member `member` of this line was `written` (`"name":`, the
    /// name `name`), the wanted key `wanted`.
    fn remember(&mut self, member: usize, written: &[u8], name: &[u8], wanted: Option<usize>) {
        if member >= MEMBERS {
            return;
        }
        if self.previous.len() <= member {
            self.previous.resize(member + 1, Remembered::NOTHING);
        }
        let plain = written.len() == name.len() + 3; // `"`, name, `"`, `:`
        self.previous[member] = if plain && written.len() <= REMEMBERED {
            let mut bytes = [0u8; REMEMBERED];
            bytes[..written.len()].copy_from_slice(written);
            let masks = std::array::from_fn(|i| {
                let counted = written.len().saturating_sub(8 * i).min(8);
                u64::MAX.checked_shr(64 - 8 * counted as u32).unwrap_or(0)
            });
            Remembered {
                bytes,
                masks,
                len: written.len(),
                wanted,
            }
        } else {
            Remembered::NOTHING
        };
    }
}

/// Parses the line starting at `bytes[0]`; a non-blank line appends one row
/// to every column. `bytes` may hold further lines after this one.
pub(super) fn parse_line(
    bytes: &[u8],
    keys: &mut KeyLookup<'_>,
    columns: &mut [Column],
) -> Result<Parsed, LineError> {
    let mut cur = Cursor::<false>::new(bytes);
    cur.skip_ws();
    match cur.peek() {
        None => {
            return Ok(Parsed {
                consumed: cur.pos,
                is_row: false,
            });
        }
        Some(b'\n') => {
            return Ok(Parsed {
                consumed: cur.pos + 1,
                is_row: false,
            });
        }
        Some(_) => {}
    }
    for column in columns.iter_mut() {
        column.start_row();
    }
    // The cursor stops where the line went wrong: that is the column reported.
    if let Err(message) = parse_object(&mut cur, keys, columns) {
        return Err(LineError {
            column: cur.pos + 1,
            message,
        });
    }
    cur.skip_ws();
    match cur.peek() {
        None => {}
        Some(b'\n') => cur.pos += 1,
        Some(_) => {
            return Err(LineError {
                column: cur.pos + 1,
                message: "text after the object".into(),
            });
        }
    }
    Ok(Parsed {
        consumed: cur.pos,
        is_row: true,
    })
}

fn parse_object(
    cur: &mut Cursor<'_, false>,
    keys: &mut KeyLookup<'_>,
    columns: &mut [Column],
) -> Result<(), String> {
    cur.expect(b'{', "'{' (one JSON object per line)")?;
    cur.skip_ws();
    if cur.peek() == Some(b'}') {
        cur.pos += 1;
        return Ok(());
    }
    for member in 0.. {
        cur.expect(b'"', "a key")?;
        let quote = cur.pos - 1;
        let wanted = match keys.recall(member, &cur.bytes[quote..]) {
            Some((written, wanted)) => {
                cur.pos = quote + written; // past `"name":`, as read the previous line
                wanted
            }
            None => {
                let name = cur.string_body()?;
                cur.expect(b':', "':'")?;
                let wanted = keys.find(name);
                keys.remember(member, &cur.bytes[quote..cur.pos], name, wanted);
                wanted
            }
        };
        cur.skip_ws();
        match (wanted, cur.peek()) {
            (_, None | Some(b'\n')) => {
                return Err("line ends inside a value (truncated?)".into());
            }
            (None, Some(b'"')) => {
                cur.pos += 1;
                cur.string_body()?;
            }
            (None, Some(b'{' | b'[')) => cur.skip_compound()?,
            (None, Some(_)) => {
                if cur.token().is_empty() {
                    return Err("missing value".into());
                }
            }
            (Some(k), Some(first)) => read_value(cur, first, &mut columns[k])?,
        }
        if !cur.after_member()? {
            break;
        }
    }
    Ok(())
}

fn read_value(cur: &mut Cursor<'_, false>, first: u8, column: &mut Column) -> Result<(), String> {
    match first {
        b'"' => {
            cur.pos += 1;
            let raw = cur.string_body()?;
            column.set_kind(kind::STRING);
            if let Some(texts) = column.texts.as_mut() {
                if memchr(b'\\', raw).is_some() {
                    texts.set_last(unescape(raw)?.as_bytes());
                } else {
                    // Hashes and filter names are ASCII: a word-at-a-time check
                    // instead of the full validator's per-call setup.
                    if !raw.is_ascii() {
                        std::str::from_utf8(raw).map_err(|_| "string is not valid UTF-8")?;
                    }
                    texts.set_last(raw);
                }
            }
        }
        b'[' => {
            cur.skip_compound()?;
            column.set_kind(kind::ARRAY);
        }
        b'{' => {
            cur.skip_compound()?;
            column.set_kind(kind::OBJECT);
        }
        _ => {
            let start = cur.pos;
            let token = cur.token();
            if token.is_empty() {
                return Err("missing value".into());
            }
            let (code, value) = match token {
                b"null" => (kind::NULL, f64::NAN),
                b"true" => (kind::BOOL, 1.0),
                b"false" => (kind::BOOL, 0.0),
                _ => match number_of(token) {
                    Some(v) => (kind::NUMBER, v),
                    None => {
                        cur.pos = start; // the error names the value's first column
                        return Err(format!(
                            "bad value {:?}",
                            String::from_utf8_lossy(&token[..token.len().min(20)])
                        ));
                    }
                },
            };
            column.set_kind(code);
            column.set_number(value);
            if code == kind::NUMBER {
                if let Some(texts) = column.texts.as_mut() {
                    number_text(token, value, |text| texts.set_last(text));
                }
            }
        }
    }
    Ok(())
}

/// The text the raw value `raw` stands for in a text column (see
/// [`read_value`]): a string's content unescaped, a number as [`number_text`]
/// writes it; None for other values or a string that cannot be decoded.
pub(super) fn value_text(raw: &[u8]) -> Option<Vec<u8>> {
    if let Some(body) = raw.strip_prefix(b"\"").and_then(|r| r.strip_suffix(b"\"")) {
        return match memchr(b'\\', body) {
            Some(_) => unescape(body).ok().map(String::into_bytes),
            None => std::str::from_utf8(body).ok().map(|_| body.to_vec()),
        };
    }
    let value = number_of(raw)?;
    let mut text = Vec::new();
    number_text(raw, value, |t| text.extend_from_slice(t));
    Some(text)
}

/// The text a number stands for in a text column: integers below 2^53 in
/// integer form (`16.0` and `16` are the same id), anything else as written.
fn number_text(token: &[u8], value: f64, mut put: impl FnMut(&[u8])) {
    let integral = value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0;
    let canonical = token.iter().all(u8::is_ascii_digit) && (token.len() == 1 || token[0] != b'0');
    if !integral || canonical {
        put(token);
    } else {
        put((value as i64).to_string().as_bytes());
    }
}

/// A string's raw content unescaped (a lone surrogate becomes U+FFFD).
pub(super) fn unescape(raw: &[u8]) -> Result<String, String> {
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
        let hex = |at: usize| -> Result<u32, String> {
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

/// 10^0 ... 10^15, the powers a plain decimal divides by (all exact doubles).
const POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// A plain decimal (`-?digits(.digits?)?`, at most 15 digits) without the
/// general parser: its digits make an integer m < 10^15 < 2^53 and its
/// fraction f <= 15 digits, so m and 10^f are exact doubles and one correctly
/// rounded division gives the correctly rounded value (Clinger's fast path),
/// the same double `str::parse` gives. None for anything else (exponents,
/// longer tokens, other text): the general parser decides those.
fn plain_decimal(token: &[u8]) -> Option<f64> {
    let (negative, body) = match token.split_first()? {
        (b'-', rest) => (true, rest),
        _ => (false, token),
    };
    let mut mantissa = 0u64;
    let mut digits = 0usize;
    let mut fraction: Option<usize> = None;
    for &byte in body {
        match byte {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(byte - b'0');
                digits += 1;
                if let Some(f) = fraction.as_mut() {
                    *f += 1;
                }
            }
            b'.' if fraction.is_none() && digits > 0 => fraction = Some(0),
            _ => return None,
        }
        if digits > 15 {
            return None;
        }
    }
    if digits == 0 {
        return None;
    }
    let value = mantissa as f64 / POWERS_OF_TEN[fraction.unwrap_or(0)];
    Some(if negative { -value } else { value })
}

fn number_of(token: &[u8]) -> Option<f64> {
    if let Some(value) = plain_decimal(token) {
        return Some(value);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;
    use rand::Rng;

    /// Random number-like tokens: signs, dots, exponents, leading zeros and
    /// 1 to 20 digits, so both sides of the fast path's limits are drawn.
    fn random_token(rng: &mut impl Rng) -> String {
        let mut token = String::new();
        if rng.next_u64() % 3 == 0 {
            token.push('-');
        }
        let digits = 1 + (rng.next_u64() % 20) as usize;
        let dot = (rng.next_u64() % (digits as u64 + 2)) as usize;
        for i in 0..digits {
            if i == dot {
                token.push('.');
            }
            token.push(char::from(b'0' + (rng.next_u64() % 10) as u8));
        }
        if dot == digits {
            token.push('.'); // "12." parses too
        }
        match rng.next_u64() % 8 {
            0 => token.push_str("e-7"),
            1 => token.push('.'),
            _ => {}
        }
        token
    }

    #[test]
    fn plain_decimals_are_the_parsers_doubles() {
        let mut rng = stream(23, 0);
        let mut fast = 0;
        for _ in 0..200_000 {
            let token = random_token(&mut rng);
            let want = token.parse::<f64>().ok();
            if let Some(got) = plain_decimal(token.as_bytes()) {
                fast += 1;
                let want = want.unwrap_or_else(|| panic!("{token}: the parser refuses it"));
                assert_eq!(got.to_bits(), want.to_bits(), "{token}");
            }
            // number_of as it was before the fast path: the first byte, then the parser.
            let general =
                want.filter(|_| token.starts_with(|c: char| c == '-' || c.is_ascii_digit()));
            assert_eq!(
                number_of(token.as_bytes()).map(f64::to_bits),
                general.map(f64::to_bits),
                "{token}"
            );
        }
        // Most draws of up to 15 digits take the fast path.
        assert!(fast > 100_000, "{fast}");
        for token in [
            "0",
            "-0",
            "-0.0",
            "1.",
            "000000000000001",
            "999999999999999.9",
        ] {
            let got = number_of(token.as_bytes()).map(f64::to_bits);
            assert_eq!(got, token.parse::<f64>().ok().map(f64::to_bits), "{token}");
        }
        for token in ["", "-", ".5", "1..2", "1e5", "0x1", "1234567890123456"] {
            assert!(plain_decimal(token.as_bytes()).is_none(), "{token}");
        }
    }

    #[test]
    fn the_key_lookup_finds_what_comparing_every_key_finds() {
        let mut rng = stream(29, 0);
        let alphabet = b"ab_";
        let name = |rng: &mut crate::rng::StreamRng, len: usize| -> String {
            (0..len)
                .map(|_| char::from(alphabet[(rng.next_u64() % 3) as usize]))
                .collect()
        };
        // Key counts on both sides of the 64-key table; lengths on both sides
        // of the shared long-name entry.
        for count in [0usize, 1, 6, 64, 65, 90] {
            for _ in 0..50 {
                let lengths = |rng: &mut crate::rng::StreamRng| match rng.next_u64() % 4 {
                    0 => 60 + (rng.next_u64() % 8) as usize,
                    _ => 1 + (rng.next_u64() % 4) as usize,
                };
                let mut keys: Vec<KeySpec> = Vec::new();
                while keys.len() < count {
                    let len = lengths(&mut rng);
                    let candidate = name(&mut rng, len);
                    if keys.iter().all(|k| k.name != candidate) {
                        keys.push(KeySpec {
                            name: candidate,
                            want_text: false,
                        });
                    }
                }
                let lookup = KeyLookup::new(&keys);
                for _ in 0..200 {
                    let len = lengths(&mut rng);
                    let probe = if !keys.is_empty() && rng.next_u64() % 2 == 0 {
                        keys[(rng.next_u64() % keys.len() as u64) as usize]
                            .name
                            .clone()
                    } else {
                        name(&mut rng, len)
                    };
                    let want = keys.iter().position(|k| k.name == probe);
                    assert_eq!(lookup.find(probe.as_bytes()), want, "{count} keys, {probe}");
                }
            }
        }
    }
}
