//! A string as `json.dumps` writes it: by default (`ensure_ascii=True`) and
//! with `ensure_ascii=False`.
//!
//! Both escape `"` and `\` and use the usual short escapes (`\n`, `\r`,
//! `\t`, `\b`, `\f`). By default every other character outside printable
//! ASCII goes as `\uXXXX` in lowercase hexadecimal, beyond the Basic
//! Multilingual Plane as a UTF-16 surrogate pair (CPython's
//! `py_encode_basestring_ascii`, DEL included); with `ensure_ascii=False` only
//! the other control characters below U+0020 do (`py_encode_basestring`).

/// Appends `text` (valid UTF-8) quoted and escaped, as `json.dumps` does by default.
pub fn write_json_string(text: &str, out: &mut Vec<u8>) {
    write_escaped(text, out, |c| matches!(c, ' '..='~'));
}

/// Appends `text` quoted and escaped as `json.dumps(..., ensure_ascii=False)` does.
pub fn write_json_string_unicode(text: &str, out: &mut Vec<u8>) {
    write_escaped(text, out, |c| c >= ' ');
}

/// `text` quoted: `"`, `\` and the short escapes always escaped, the
/// characters `kept` says so as they are, the others as `\uXXXX`.
fn write_escaped(text: &str, out: &mut Vec<u8>, kept: impl Fn(char) -> bool) {
    out.push(b'"');
    let mut plain_from = 0;
    let bytes = text.as_bytes();
    for (at, c) in text.char_indices() {
        let short: Option<&[u8]> = match c {
            '"' => Some(b"\\\""),
            '\\' => Some(b"\\\\"),
            '\n' => Some(b"\\n"),
            '\r' => Some(b"\\r"),
            '\t' => Some(b"\\t"),
            '\u{8}' => Some(b"\\b"),
            '\u{c}' => Some(b"\\f"),
            c if kept(c) => continue,
            _ => None,
        };
        out.extend_from_slice(&bytes[plain_from..at]);
        plain_from = at + c.len_utf8();
        match short {
            Some(escape) => out.extend_from_slice(escape),
            None => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    unicode_escape(*unit, out);
                }
            }
        }
    }
    out.extend_from_slice(&bytes[plain_from..]);
    out.push(b'"');
}

fn unicode_escape(unit: u16, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.extend_from_slice(b"\\u");
    for shift in [12, 8, 4, 0] {
        out.push(HEX[usize::from((unit >> shift) & 0xf)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> String {
        let mut out = Vec::new();
        write_json_string(text, &mut out);
        String::from_utf8(out).unwrap()
    }

    /// What `json.dumps` prints for each.
    #[test]
    fn python_escapes() {
        assert_eq!(json(""), r#""""#);
        assert_eq!(json("gen_task_00"), r#""gen_task_00""#);
        assert_eq!(json("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(json("l1\nl2\r\t\u{8}\u{c}"), r#""l1\nl2\r\t\b\f""#);
        assert_eq!(json("\u{0}\u{1f}\u{7f}"), r#""\u0000\u001f\u007f""#);
        assert_eq!(json("café ñ"), r#""caf\u00e9 \u00f1""#);
        assert_eq!(json("€ 😀!"), r#""\u20ac \ud83d\ude00!""#);
    }

    /// What `json.dumps(..., ensure_ascii=False)` prints for each.
    #[test]
    fn python_escapes_without_ensure_ascii() {
        let json = |text: &str| {
            let mut out = Vec::new();
            write_json_string_unicode(text, &mut out);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(json("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(json("l1\nl2\r\t\u{8}\u{c}"), r#""l1\nl2\r\t\b\f""#);
        assert_eq!(json("\u{0}\u{1f}\u{7f}"), "\"\\u0000\\u001f\u{7f}\"");
        assert_eq!(json("é€😀\u{2028}"), "\"é€😀\u{2028}\"");
    }
}
