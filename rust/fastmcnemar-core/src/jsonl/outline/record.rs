//! One record: its outline text (see the parent module), or one top-level
//! member's raw value, found by walking its members with the scanner's cursor.

use memchr::memmem;

use super::super::cursor::Cursor;

/// Outline text of one record (see the parent module), or the 1-based byte
/// column where it breaks and what is wrong.
pub fn outline_record(line: &[u8], skip: &[&str]) -> std::result::Result<Vec<u8>, (usize, String)> {
    let mut out = Vec::with_capacity(256);
    out.push(b'{');
    walk_record(line, |name, key, value| {
        if out.len() > 1 {
            out.push(b',');
        }
        out.extend_from_slice(key);
        out.push(b':');
        // An escaped key may spell a skipped one; kept whole, the parser decides.
        if skip.iter().any(|k| k.as_bytes() == name) {
            out.extend_from_slice(b"null");
        } else {
            out.extend_from_slice(value);
        }
        true
    })?;
    out.push(b'}');
    Ok(out)
}

/// The raw text of the value of top-level `key` in one record (the last one
/// when the key repeats, as a parser keeps it), or None when absent.
pub fn member_value<'a>(
    line: &'a [u8],
    key: &str,
) -> std::result::Result<Option<&'a [u8]>, (usize, String)> {
    let mut found = None;
    walk_record(line, |name, _, value| {
        if name == key.as_bytes() {
            found = Some(value);
        }
        true
    })?;
    Ok(found)
}

/// [`member_value`] for a record known to be well formed (a file the scanner
/// has read): the walk stops at the key's first occurrence when its quoted
/// name appears nowhere after it, so the rest of the line costs one SIMD
/// search, not a walk. A line where it may repeat is walked in full.
pub(super) fn member_value_of_read_line<'a>(
    line: &'a [u8],
    key: &str,
    quoted: &memmem::Finder<'_>,
) -> std::result::Result<Option<&'a [u8]>, (usize, String)> {
    let mut first: Option<&'a [u8]> = None;
    walk_record(line, |name, _, value| {
        if name == key.as_bytes() {
            first = Some(value);
        }
        first.is_none()
    })?;
    let Some(value) = first else {
        return Ok(None);
    };
    let after = value.as_ptr() as usize - line.as_ptr() as usize + value.len();
    match quoted.find(&line[after..]) {
        None => Ok(Some(value)),
        Some(_) => member_value(line, key),
    }
}

/// Walks one record's top-level members with the scanner's cursor, handing
/// `visit` each member's (raw key content, key text with its quotes, raw
/// value text) until it returns false; the error is the 1-based column
/// where the record breaks.
fn walk_record<'a>(
    line: &'a [u8],
    mut visit: impl FnMut(&'a [u8], &'a [u8], &'a [u8]) -> bool,
) -> std::result::Result<(), (usize, String)> {
    let mut cur = Cursor::<false>::new(line);
    let walked = walk_members(&mut cur, &mut visit).and_then(|whole| {
        // A walk `visit` stopped early leaves the rest of the line unchecked.
        cur.skip_ws();
        match whole && cur.pos < line.len() {
            true => Err("text after the object".to_string()),
            false => Ok(()),
        }
    });
    walked.map_err(|message| (cur.pos + 1, message))
}

fn walk_members<'a>(
    cur: &mut Cursor<'a, false>,
    visit: &mut impl FnMut(&'a [u8], &'a [u8], &'a [u8]) -> bool,
) -> std::result::Result<bool, String> {
    cur.expect(b'{', "'{' (one JSON object per line)")?;
    cur.skip_ws();
    if cur.peek() == Some(b'}') {
        cur.pos += 1;
        return Ok(true);
    }
    loop {
        cur.expect(b'"', "a key")?;
        let key_start = cur.pos - 1;
        let name = cur.string_body()?;
        let key = &cur.bytes[key_start..cur.pos];
        cur.expect(b':', "':'")?;
        cur.skip_ws();
        let value_start = cur.pos;
        match cur.peek() {
            None | Some(b'\n') => return Err("line ends inside a value (truncated?)".into()),
            Some(b'"') => {
                cur.pos += 1;
                cur.string_body()?;
            }
            Some(b'{' | b'[') => cur.skip_compound()?,
            Some(_) => {
                if cur.token().is_empty() {
                    return Err("missing value".into());
                }
            }
        }
        if !visit(name, key, &cur.bytes[value_start..cur.pos]) {
            return Ok(false);
        }
        if !cur.after_member()? {
            return Ok(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::text;
    use super::{member_value, outline_record};

    const SKIP: &[&str] = &["doc", "arguments"];

    #[test]
    fn skipped_values_become_null_and_the_rest_is_kept_as_written() {
        let line = br#"{"doc_id": 0, "doc": {"q": "a \"b\" [c"}, "arguments": [[1, {"x": "}"}]], "filter": "none", "acc": 1.0e0, "f1": NaN}"#;
        let got = outline_record(line, SKIP).unwrap();
        assert_eq!(
            text(&got),
            r#"{"doc_id":0,"doc":null,"arguments":null,"filter":"none","acc":1.0e0,"f1":NaN}"#
        );
        assert_eq!(text(&outline_record(b" { } ", SKIP).unwrap()), "{}");
    }

    #[test]
    fn an_escaped_key_is_kept_whole() {
        let got = outline_record(br#"{"do\u0063": [1]}"#, SKIP).unwrap();
        assert_eq!(text(&got), r#"{"do\u0063":[1]}"#);
    }

    #[test]
    fn broken_records_name_the_column() {
        let cases: [(&[u8], usize); 5] = [
            (b"[1, 2]", 1),
            (br#"{"a": 1} x"#, 10),
            (br#"{"doc": {"q": [1}, "a": 1}"#, 17),
            (br#"{"a": "open"#, 8),
            (br#"{"a": }"#, 7),
        ];
        for (line, column) in cases {
            let (at, _) = outline_record(line, SKIP).unwrap_err();
            assert_eq!(at, column, "{}", text(line));
        }
    }

    #[test]
    fn a_member_value_is_its_raw_text_and_the_last_of_repeats() {
        assert_eq!(
            member_value(br#"{"a": [1, 2], "b": 3}"#, "a").unwrap(),
            Some(&b"[1, 2]"[..])
        );
        assert_eq!(
            member_value(br#"{"a": 1, "a": "x"}"#, "a").unwrap(),
            Some(&b"\"x\""[..])
        );
        assert_eq!(member_value(br#"{"a": 1}"#, "b").unwrap(), None);
    }
}
