//! A few fields of every element of one top-level array of a whole JSON
//! document, found without building the document.
//!
//! Inspect's `.json` logs are one document whose `samples` array is nearly all
//! of it (messages, model output, events), while a reader needs each sample's
//! `id`, `epoch` and `scores`. This walker returns where those raw values are
//! (byte ranges), and where the array is, so the caller can parse the small
//! rest of the document and just those values. Strings and skipped values are
//! walked as in the JSON-lines scanner (`super::cursor`).

use super::cursor::Cursor;
use crate::error::{Error, Result};

/// Byte ranges (`start..end`) into the document.
pub type Span = (usize, usize);

/// Where the array and its elements' fields are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArraySpans {
    /// The array's value, `[` to `]`; None when the key is absent or null.
    pub array: Option<Span>,
    /// For each element, for each wanted field, its raw value (None: absent).
    pub fields: Vec<Vec<Option<Span>>>,
}

/// Finds the top-level `array_key` of the JSON object in `bytes` and, in each
/// of its elements (which must be objects), the raw values of `fields`.
///
/// A repeated key counts by its last occurrence, as in Python's `json`.
/// Errors say what is wrong and where (byte offset); the caller can then
/// parse the document in full for a fuller message.
pub fn array_field_spans(bytes: &[u8], array_key: &str, fields: &[&str]) -> Result<ArraySpans> {
    walk(bytes, array_key.as_bytes(), fields).map_err(|(at, message)| Error::Parse {
        line: None,
        byte: Some(at),
        message,
    })
}

type Walk<T> = std::result::Result<T, (usize, String)>;

fn walk(bytes: &[u8], array_key: &[u8], fields: &[&str]) -> Walk<ArraySpans> {
    let mut cur = Cursor::<true>::new(bytes);
    let mut out = ArraySpans {
        array: None,
        fields: Vec::new(),
    };
    cur.skip_ws();
    members(&mut cur, |cur, key| {
        if key != array_key {
            return skip_value(cur);
        }
        match cur.peek() {
            Some(b'[') => {
                let start = cur.pos;
                out.fields = elements(cur, fields)?;
                out.array = Some((start, cur.pos));
            }
            _ => {
                let start = cur.pos;
                skip_value(cur)?;
                if &cur.bytes[start..cur.pos] != b"null" {
                    return Err((start, "the array's value is not an array".into()));
                }
                out.array = None;
                out.fields.clear();
            }
        }
        Ok(())
    })?;
    cur.skip_ws();
    if cur.pos != bytes.len() {
        return Err((cur.pos, "text after the document".into()));
    }
    Ok(out)
}

/// Walks the members of the object at the cursor, calling `member` with the
/// cursor at each value (which it must consume) and the raw key.
fn members<'a>(
    cur: &mut Cursor<'a, true>,
    mut member: impl FnMut(&mut Cursor<'a, true>, &'a [u8]) -> Walk<()>,
) -> Walk<()> {
    let at = |cur: &Cursor<'a, true>, message: String| (cur.pos, message);
    cur.expect(b'{', "'{'").map_err(|m| at(cur, m))?;
    cur.skip_ws();
    if cur.peek() == Some(b'}') {
        cur.pos += 1;
        return Ok(());
    }
    loop {
        cur.expect(b'"', "a key").map_err(|m| at(cur, m))?;
        let key = cur.string_body().map_err(|m| at(cur, m))?;
        cur.expect(b':', "':'").map_err(|m| at(cur, m))?;
        cur.skip_ws();
        member(cur, key)?;
        if !cur.after_member().map_err(|m| at(cur, m))? {
            return Ok(());
        }
    }
}

/// The elements of the array at the cursor: each must be an object.
fn elements(cur: &mut Cursor<'_, true>, fields: &[&str]) -> Walk<Vec<Vec<Option<Span>>>> {
    let mut rows = Vec::new();
    cur.pos += 1; // '['
    cur.skip_ws();
    if cur.peek() == Some(b']') {
        cur.pos += 1;
        return Ok(rows);
    }
    loop {
        cur.skip_ws();
        if cur.peek() != Some(b'{') {
            return Err((cur.pos, format!("element {} is not an object", rows.len())));
        }
        let mut row = vec![None; fields.len()];
        members(cur, |cur, key| {
            let start = cur.pos;
            skip_value(cur)?;
            if let Some(k) = fields.iter().position(|f| f.as_bytes() == key) {
                row[k] = Some((start, cur.pos));
            }
            Ok(())
        })?;
        rows.push(row);
        cur.skip_ws();
        match cur.peek() {
            Some(b',') => cur.pos += 1,
            Some(b']') => {
                cur.pos += 1;
                return Ok(rows);
            }
            Some(b) => {
                return Err((
                    cur.pos,
                    format!("expected ',' or ']', found {:?}", b as char),
                ));
            }
            None => return Err((cur.pos, "the text ends inside an array".into())),
        }
    }
}

/// Skips the value at the cursor (its first byte is not whitespace).
fn skip_value(cur: &mut Cursor<'_, true>) -> Walk<()> {
    let start = cur.pos;
    let result = match cur.peek() {
        Some(b'"') => {
            cur.pos += 1;
            cur.string_body().map(|_| ())
        }
        Some(b'{' | b'[') => cur.skip_compound(),
        Some(_) if !cur.token().is_empty() => Ok(()),
        _ => Err("missing value".into()),
    };
    result.map_err(|message| (start, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8], span: Option<Span>) -> Option<&str> {
        span.map(|(s, e)| std::str::from_utf8(&bytes[s..e]).unwrap())
    }

    #[test]
    fn finds_the_array_and_its_fields_across_newlines() {
        let doc = br#"{
  "eval": {"task": "t", "samples": [1, 2]},
  "samples": [
    {"id": 1, "epoch": 1, "messages": [{"content": "a \"quoted\" [x] {y}"}],
     "scores": {"match": {"value": "C", "answer": "4"}}},
    {"input": "no id", "scores": {}},
    {"id": "s-3", "scores": {"m": {"value": [1, 0]}}, "id": "s-3b"}
  ],
  "reductions": null
}
"#;
        let out = array_field_spans(doc, "samples", &["id", "epoch", "scores"]).unwrap();
        let (start, end) = out.array.unwrap();
        assert!(doc[start..end].starts_with(b"[") && doc[start..end].ends_with(b"]"));
        assert_eq!(out.fields.len(), 3);
        let row = &out.fields[0];
        assert_eq!(text(doc, row[0]), Some("1"));
        assert_eq!(text(doc, row[1]), Some("1"));
        assert_eq!(
            text(doc, row[2]),
            Some(r#"{"match": {"value": "C", "answer": "4"}}"#)
        );
        assert_eq!(out.fields[1][0], None);
        assert_eq!(text(doc, out.fields[1][2]), Some("{}"));
        assert_eq!(text(doc, out.fields[2][0]), Some("\"s-3b\"")); // the last one counts
    }

    #[test]
    fn absent_null_and_empty_arrays() {
        let out = array_field_spans(br#"{"eval": {}}"#, "samples", &["id"]).unwrap();
        assert_eq!(out.array, None);
        let out = array_field_spans(br#"{"samples": null}"#, "samples", &["id"]).unwrap();
        assert_eq!(out.array, None);
        let out = array_field_spans(br#"{"samples": [ ]}"#, "samples", &["id"]).unwrap();
        assert_eq!(out.array, Some((12, 15)));
        assert!(out.fields.is_empty());
    }

    #[test]
    fn broken_documents_are_errors_with_an_offset() {
        for (doc, expected) in [
            (
                &br#"{"samples": [1]}"#[..],
                "at byte 13: element 0 is not an object",
            ),
            (
                br#"{"samples": {"a": 1}}"#,
                "at byte 12: the array's value is not an array",
            ),
            (
                br#"{"samples": [{"id": 1}"#,
                "the text ends inside an array",
            ),
            (br#"{"samples": [{"id": "x}]}"#, "unterminated string"),
            (br#"{"a": 1} {"#, "text after the document"),
            (b"{\"a\": \"new\nline\"}", "unterminated string"),
            (br#"{"a" 1}"#, "expected ':'"),
        ] {
            let err = array_field_spans(doc, "samples", &["id"])
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{doc:?}: {err}");
        }
        let typed = array_field_spans(br#"{"a" 1}"#, "samples", &["id"]).unwrap_err();
        assert!(
            matches!(
                typed,
                Error::Parse {
                    line: None,
                    byte: Some(5),
                    ..
                }
            ),
            "{typed:?}"
        );
    }
}
