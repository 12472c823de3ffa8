//! Parsing one JSON-lines record in a single pass: walk the top-level
//! members, skip unwanted values, decode wanted ones, stop at the newline.
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

/// Parses the line starting at `bytes[0]`; a non-blank line appends one row
/// to every column. `bytes` may hold further lines after this one.
pub(super) fn parse_line(
    bytes: &[u8],
    keys: &[KeySpec],
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
    keys: &[KeySpec],
    columns: &mut [Column],
) -> Result<(), String> {
    cur.expect(b'{', "'{' (one JSON object per line)")?;
    cur.skip_ws();
    if cur.peek() == Some(b'}') {
        cur.pos += 1;
        return Ok(());
    }
    loop {
        cur.expect(b'"', "a key")?;
        let name = cur.string_body()?;
        cur.expect(b':', "':'")?;
        cur.skip_ws();
        let wanted = keys.iter().position(|k| same_key(k.name.as_bytes(), name));
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
            return Ok(());
        }
    }
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

fn unescape(raw: &[u8]) -> Result<String, String> {
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
