//! The texts a report shows for a flipped sample (prompt, target, response)
//! from one lm-eval samples record, as `fastmcnemar.compare.flip_texts`
//! computes them from the record parsed by Python's `json`.
//!
//! Reading a flipped line in Python meant decoding all of it: a
//! multiple-choice line repeats its prompt once per option, so most of the
//! time of a report's texts went to strings that were then dropped. Here the
//! record is parsed into a small tree and only the texts are built.
//!
//! Only the shapes lm-eval writes are taken: a record with no repeated
//! top-level key, an integer or string doc id, a string filter, arguments as
//! an object, responses as a string, a one-element list or a list of
//! `[log-likelihood, is-greedy]` pairs; texts that are not strings are
//! written as `json.dumps(value, ensure_ascii=False)` writes them (a chat
//! prompt's list, a numeric target). Anything else (a float doc id, `NaN`, a
//! lone surrogate, a repeated key, ...) gives `None`, and the caller parses
//! that record in Python: every text is either exactly Python's or not made
//! here.

use std::collections::HashSet;

use memchr::memchr2;

use super::line::unescape;
use crate::json_out::{write_json_string_unicode, write_py_float};

/// The texts of one record (and what identifies its line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineTexts {
    /// The doc id as Python's `str` writes it (an integer's digits or the string).
    pub doc_id: String,
    /// The filter (`"none"` when absent or null).
    pub filter: String,
    /// The prompt: the first argument's `arg_0` (or the argument itself).
    pub prompt: Option<String>,
    /// The target.
    pub target: Option<String>,
    /// The response: `choice i: option` for log-likelihood lists, else the text.
    pub response: Option<String>,
}

/// Longest text kept, in characters (longer ones end in an ellipsis).
const TEXT_LIMIT: usize = 4000;
/// Deepest nesting parsed (records deeper than this go to Python).
const MAX_DEPTH: usize = 32;

/// A string's content as written (checked: no raw control character, good
/// escapes; the line is valid UTF-8), decoded only where a text is made from it: most
/// of a multiple-choice line is the prompt repeated once per option.
#[derive(Debug, Clone, Copy)]
struct Text<'a> {
    raw: &'a [u8],
    escaped: bool,
}

impl Text<'_> {
    fn decoded(self) -> String {
        if self.escaped {
            // Checked escapes: no error, and no lone surrogate to replace.
            unescape(self.raw).unwrap_or_default()
        } else {
            String::from_utf8_lossy(self.raw).into_owned()
        }
    }

    fn is(self, word: &str) -> bool {
        if self.escaped {
            self.decoded() == word
        } else {
            self.raw == word.as_bytes()
        }
    }
}

/// A parsed JSON value; numbers keep their token.
#[derive(Debug)]
enum Value<'a> {
    Null,
    Bool(bool),
    Number(&'a [u8]),
    Text(Text<'a>),
    List(Vec<Value<'a>>),
    Object(Vec<(String, Value<'a>)>),
}

impl Value<'_> {
    /// The member `key` of an object whose keys are all distinct (None when
    /// a key repeats: Python keeps the last value at the first place).
    fn member(&self, key: &str) -> Option<Option<&Self>> {
        let Value::Object(members) = self else {
            return Some(None);
        };
        distinct_keys(members).then(|| members.iter().find(|(k, _)| k == key).map(|(_, v)| v))
    }
}

/// Whether no key repeats (in linear time: a hostile line may have many).
fn distinct_keys(members: &[(String, Value<'_>)]) -> bool {
    let mut seen = HashSet::with_capacity(members.len());
    members.iter().all(|(key, _)| seen.insert(key.as_str()))
}

/// The texts of the record `bytes` (one JSON object), or None where Python
/// should read it (see the module notes).
pub fn line_texts(bytes: &[u8]) -> Option<LineTexts> {
    // Python decodes the whole line first: one check here, none per string.
    std::str::from_utf8(bytes).ok()?;
    let mut parser = Parser { bytes, pos: 0 };
    let record = parser.value(0)?;
    parser.blanks();
    if parser.pos != bytes.len() {
        return None;
    }
    let Value::Object(members) = &record else {
        return None;
    };
    if !distinct_keys(members) {
        return None;
    }
    let get = |key: &str| members.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let doc_id = match get("doc_id")? {
        Value::Number(token) if is_canonical_integer(token) => text_of(token),
        Value::Text(text) => text.decoded(),
        _ => return None,
    };
    let filter = match get("filter") {
        None | Some(Value::Null) => "none".to_string(),
        Some(Value::Text(text)) => text.decoded(),
        Some(_) => return None,
    };
    let arguments = get("arguments");
    let target = shown(get("target"))?;
    let prompt = prompt(arguments)?;
    let responses = get("filtered_resps").or_else(|| get("resps"));
    let response = response(responses, arguments)?;
    Some(LineTexts {
        doc_id,
        filter,
        prompt,
        target,
        response,
    })
}

/// `_text(value)`: a string itself, anything else as `json.dumps(value,
/// ensure_ascii=False)` writes it, clipped; None for null or absent. None
/// outside what [`dumps`] writes.
fn shown(value: Option<&Value<'_>>) -> Option<Option<String>> {
    Some(match value {
        None | Some(Value::Null) => None,
        Some(Value::Text(text)) => Some(clipped(&text.decoded())),
        Some(value) => {
            let mut out = Vec::new();
            dumps(value, &mut out)?;
            Some(clipped(std::str::from_utf8(&out).ok()?))
        }
    })
}

/// Appends `json.dumps(value, ensure_ascii=False)` (default separators);
/// None for what Python would write otherwise or not at all: an integer
/// longer than 30 digits or not as written (`-0`), a number that overflows
/// to infinity, an object with a repeated key (Python keeps one).
fn dumps(value: &Value<'_>, out: &mut Vec<u8>) -> Option<()> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(flag) => out.extend_from_slice(if *flag { b"true" } else { b"false" }),
        Value::Number(token) => {
            let integer = token.iter().all(|&b| b == b'-' || b.is_ascii_digit());
            if integer {
                if !is_canonical_integer(token) {
                    return None;
                }
                out.extend_from_slice(token);
            } else {
                let x: f64 = std::str::from_utf8(token).ok()?.parse().ok()?;
                if !x.is_finite() {
                    return None;
                }
                write_py_float(x, out);
            }
        }
        Value::Text(text) => write_json_string_unicode(&text.decoded(), out),
        Value::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b", ");
                }
                dumps(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(members) => {
            if !distinct_keys(members) {
                return None;
            }
            out.push(b'{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b", ");
                }
                write_json_string_unicode(key, out);
                out.extend_from_slice(b": ");
                dumps(item, out)?;
            }
            out.push(b'}');
        }
    }
    Some(())
}

/// `_prompt(record)`: the first argument's `arg_0` (or the first argument).
fn prompt(arguments: Option<&Value<'_>>) -> Option<Option<String>> {
    match arguments {
        Some(Value::Object(members)) if !members.is_empty() => {
            if !distinct_keys(members) {
                return None;
            }
            let first = &members[0].1;
            match first {
                Value::Object(_) => shown(first.member("arg_0")?),
                _ => shown(Some(first)),
            }
        }
        // The list form of lm-eval 0.4.0-0.4.2: [[prompt, option], ...].
        Some(Value::List(items)) if !items.is_empty() => match &items[0] {
            Value::List(first) if !first.is_empty() => shown(Some(&first[0])),
            first => shown(Some(first)),
        },
        _ => Some(None),
    }
}

/// `_response(record)`: the option the model ranked first, or the response text.
fn response(
    responses: Option<&Value<'_>>,
    arguments: Option<&Value<'_>>,
) -> Option<Option<String>> {
    let mut value = responses;
    if let Some(Value::List(items)) = value {
        if items.len() == 1 {
            value = Some(&items[0]);
        }
    }
    if let Some(Value::List(items)) = value {
        if items.is_empty() {
            return None; // "[]" through json.dumps
        }
        let mut best: Option<(usize, f64)> = None;
        for (i, item) in items.iter().enumerate() {
            // Not a log-likelihood: Python would dump the list as JSON.
            let score = log_likelihood(item)?;
            if best.is_none_or(|(_, top)| score > top) {
                best = Some((i, score));
            }
        }
        let (index, _) = best?;
        let option = option(arguments, index)?;
        return Some(Some(match option {
            Some(text) if !text.is_empty() => format!("choice {index}: {}", py_strip(&text)),
            _ => format!("choice {index}"),
        }));
    }
    shown(value)
}

/// The score of a `[log-likelihood, is-greedy]` pair (nested in one-element
/// lists or not), or None when the item is not one Python would take.
fn log_likelihood(item: &Value<'_>) -> Option<f64> {
    let mut item = item;
    while let Value::List(inner) = item {
        match inner.as_slice() {
            [only @ Value::List(_)] => item = only,
            _ => break,
        }
    }
    let Value::List(pair) = item else {
        return None;
    };
    let [score, greedy] = pair.as_slice() else {
        return None;
    };
    let greedy_ok = match greedy {
        Value::Bool(_) => true,
        Value::Text(text) => ["True", "False", "true", "false"]
            .iter()
            .any(|w| text.is(w)),
        _ => false,
    };
    if !greedy_ok {
        return None;
    }
    let token = match score {
        Value::Number(token) => *token,
        // Python's float() takes more spellings than JSON ("1_0", " 1"): only
        // a JSON number in a string is read here.
        // (escapes are never part of a number).
        Value::Text(text) if !text.escaped && is_json_number(text.raw) => text.raw,
        _ => return None,
    };
    let value: f64 = std::str::from_utf8(token).ok()?.parse().ok()?;
    // Python compares NaN unordered, and float() of a huge integer raises:
    // left to it.
    value.is_finite().then_some(value)
}

/// `_option(record, index)`: the `arg_1` of argument `gen_args_<index>`.
fn option(arguments: Option<&Value<'_>>, index: usize) -> Option<Option<String>> {
    let entry = match arguments {
        Some(arguments @ Value::Object(_)) => {
            match arguments.member(&format!("gen_args_{index}"))? {
                Some(entry @ Value::Object(_)) => entry.member("arg_1")?,
                _ => None,
            }
        }
        Some(Value::List(items)) => match items.get(index) {
            Some(Value::List(entry)) => entry.get(1),
            _ => None,
        },
        _ => None,
    };
    Some(match entry {
        Some(Value::Text(text)) => Some(text.decoded()),
        _ => None,
    })
}

/// The text clipped to [`TEXT_LIMIT`] characters, as `_text` clips it.
fn clipped(text: &str) -> String {
    if text.len() <= TEXT_LIMIT {
        return text.to_string(); // no more characters than bytes
    }
    match text.char_indices().nth(TEXT_LIMIT) {
        None => text.to_string(),
        Some(_) => {
            let cut = text
                .char_indices()
                .nth(TEXT_LIMIT - 1)
                .map_or(text.len(), |(at, _)| at);
            format!("{}\u{2026}", &text[..cut])
        }
    }
}

/// Python's `str.strip()`: the characters `str.isspace` calls whitespace.
fn py_strip(text: &str) -> &str {
    text.trim_matches(|c: char| {
        matches!(
            c,
            '\t'..='\r'
                | '\u{1c}'..='\u{20}'
                | '\u{85}'
                | '\u{a0}'
                | '\u{1680}'
                | '\u{2000}'..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
        )
    })
}

fn text_of(token: &[u8]) -> String {
    String::from_utf8_lossy(token).into_owned()
}

/// `-?(0|[1-9][0-9]*)` but not `-0`, at most 30 digits: the integers Python
/// writes back as read (and never clips).
fn is_canonical_integer(token: &[u8]) -> bool {
    let digits = token.strip_prefix(b"-").unwrap_or(token);
    (1..=30).contains(&digits.len())
        && digits.iter().all(u8::is_ascii_digit)
        && (digits == b"0" || digits[0] != b'0')
        && token != b"-0"
}

/// A JSON number: `-?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?`.
fn is_json_number(token: &[u8]) -> bool {
    let mut rest = token.strip_prefix(b"-").unwrap_or(token);
    let digits = |rest: &mut &[u8]| {
        let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        *rest = &rest[n..];
        n
    };
    let leading = rest.first() == Some(&b'0');
    let whole = digits(&mut rest);
    if whole == 0 || (leading && whole > 1) {
        return false;
    }
    if let Some(after) = rest.strip_prefix(b".") {
        rest = after;
        if digits(&mut rest) == 0 {
            return false;
        }
    }
    if let Some(after) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        rest = after
            .strip_prefix(b"+")
            .or_else(|| after.strip_prefix(b"-"))
            .unwrap_or(after);
        if digits(&mut rest) == 0 {
            return false;
        }
    }
    rest.is_empty()
}

/// A strict JSON parser (Python's `json.loads` without `NaN` and `Infinity`):
/// None at anything it does not take.
struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn blanks(&mut self) {
        while matches!(self.bytes.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.blanks();
        let found = self.bytes.get(self.pos) == Some(&byte);
        self.pos += usize::from(found);
        found
    }

    fn value(&mut self, depth: usize) -> Option<Value<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.blanks();
        let rest = &self.bytes[self.pos..];
        let (value, used) = match rest.first()? {
            b'"' => {
                self.pos += 1;
                return self.text().map(Value::Text);
            }
            b'{' => return self.object(depth),
            b'[' => return self.list(depth),
            b'n' if rest.starts_with(b"null") => (Value::Null, 4),
            b't' if rest.starts_with(b"true") => (Value::Bool(true), 4),
            b'f' if rest.starts_with(b"false") => (Value::Bool(false), 5),
            _ => {
                let used = rest
                    .iter()
                    .take_while(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                    .count();
                let token = &rest[..used];
                if !is_json_number(token) {
                    return None;
                }
                (Value::Number(token), used)
            }
        };
        self.pos += used;
        Some(value)
    }

    fn list(&mut self, depth: usize) -> Option<Value<'a>> {
        self.items(b']', |parser| parser.value(depth + 1))
            .map(Value::List)
    }

    fn object(&mut self, depth: usize) -> Option<Value<'a>> {
        self.items(b'}', |parser| {
            if !parser.eat(b'"') {
                return None;
            }
            let key = parser.text()?.decoded();
            if !parser.eat(b':') {
                return None;
            }
            Some((key, parser.value(depth + 1)?))
        })
        .map(Value::Object)
    }

    /// The comma-separated items of the array or object whose opening
    /// bracket is at `pos`, up to `close`.
    fn items<T>(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        self.pos += 1;
        let mut items = Vec::new();
        if self.eat(close) {
            return Some(items);
        }
        loop {
            items.push(item(self)?);
            if self.eat(close) {
                return Some(items);
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    /// A string's content after its opening quote, checked; None at a raw
    /// control character, a bad escape or a lone surrogate (Python keeps
    /// those, a Rust string cannot).
    fn text(&mut self) -> Option<Text<'a>> {
        let start = self.pos;
        let mut escaped = false;
        loop {
            let rest = &self.bytes[self.pos..];
            let at = memchr2(b'"', b'\\', rest)?;
            if rest[..at].iter().any(|&b| b < 0x20) {
                return None;
            }
            self.pos += at + 1;
            if rest[at] == b'"' {
                // Valid UTF-8: the whole line was checked.
                let raw = &self.bytes[start..self.pos - 1];
                return Some(Text { raw, escaped });
            }
            escaped = true;
            let escape = *self.bytes.get(self.pos)?;
            self.pos += 1;
            match escape {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                b'u' => {
                    let code = self.hex4()?;
                    if (0xD800..0xDC00).contains(&code) {
                        if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                            return None;
                        }
                        self.pos += 2;
                        if !(0xDC00..0xE000).contains(&self.hex4()?) {
                            return None;
                        }
                    } else if (0xDC00..0xE000).contains(&code) {
                        return None;
                    }
                }
                _ => return None,
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.pos..self.pos + 4)?;
        self.pos += 4;
        // from_str_radix would take a sign.
        digits
            .iter()
            .try_fold(0u32, |acc, &b| Some(acc * 16 + char::from(b).to_digit(16)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Option<LineTexts> {
        line_texts(line.as_bytes())
    }

    #[test]
    fn a_multiple_choice_line_shows_the_option_ranked_first() {
        let line = r#"{"doc_id": 7, "doc": null, "target": 2, "arguments": {"gen_args_0": {"arg_0": "Q?", "arg_1": " a"}, "gen_args_1": {"arg_0": "Q?", "arg_1": "  b\u0085 "}}, "resps": [[["-2.5", "False"]], [["-1.0", "True"]]], "filtered_resps": [["-2.5", "False"], ["-1.0", "True"]], "filter": "none"}"#;
        let got = texts(line).expect("a common shape");
        assert_eq!(got.doc_id, "7");
        assert_eq!(got.filter, "none");
        assert_eq!(got.prompt.as_deref(), Some("Q?"));
        assert_eq!(got.target.as_deref(), Some("2"));
        assert_eq!(got.response.as_deref(), Some("choice 1: b"));
    }

    #[test]
    fn a_generation_line_shows_its_filtered_text() {
        let line = r#"{"doc_id": "x-1", "arguments": {"gen_args_0": {"arg_0": "Say \"hi\"\n", "arg_1": {"until": ["\n"]}}}, "resps": [["hi there"]], "filtered_resps": ["hi"], "filter": "strict-match", "target": "hi"}"#;
        let got = texts(line).expect("a common shape");
        assert_eq!(got.doc_id, "x-1");
        assert_eq!(got.filter, "strict-match");
        assert_eq!(got.prompt.as_deref(), Some("Say \"hi\"\n"));
        assert_eq!(got.response.as_deref(), Some("hi"));
    }

    #[test]
    fn ties_keep_the_first_option_and_empty_options_show_the_index() {
        let line = r#"{"doc_id": 0, "arguments": {"gen_args_0": {"arg_0": "q", "arg_1": ""}}, "filtered_resps": [[-1, false], [-1.0, true]]}"#;
        assert_eq!(texts(line).unwrap().response.as_deref(), Some("choice 0"));
    }

    #[test]
    fn long_texts_are_clipped_by_characters() {
        let long = "é".repeat(TEXT_LIMIT + 1);
        let line = format!(r#"{{"doc_id": 1, "target": "{long}"}}"#);
        let target = texts(&line).unwrap().target.unwrap();
        assert_eq!(target.chars().count(), TEXT_LIMIT);
        assert!(target.ends_with('\u{2026}'));
        let exact = "é".repeat(TEXT_LIMIT);
        let line = format!(r#"{{"doc_id": 1, "target": "{exact}"}}"#);
        assert_eq!(texts(&line).unwrap().target.unwrap(), exact);
    }

    #[test]
    fn unusual_records_are_left_to_python() {
        for line in [
            r#"{"doc_id": 1.0}"#,
            r#"{"doc_id": -0}"#,
            r#"{"doc_id": 1, "doc_id": 2}"#,
            r#"{"doc_id": 1, "target": [1, -0]}"#,
            r#"{"doc_id": 1, "target": 1e999}"#,
            r#"{"doc_id": 1, "target": {"a": 1, "a": 2}}"#,
            r#"{"doc_id": 1, "target": "\ud800"}"#,
            r#"{"doc_id": 1, "target": NaN}"#,
            r#"{"doc_id": 1, "filter": 3}"#,
            r#"{"doc_id": 1, "filtered_resps": []}"#,
            r#"{"doc_id": 1, "filtered_resps": [["-1", "maybe"], ["-2", "False"]]}"#,
            r#"{"doc_id": 1, "filtered_resps": [["nan", "False"], ["-2", "False"]]}"#,
            r#"{"doc_id": 1, "filtered_resps": [[" -1", "False"], ["-2", "False"]]}"#,
            r#"{"doc_id": 1, "target": "tab	inside"}"#,
            r#"{"doc_id": 1} x"#,
            r#"[1]"#,
        ] {
            assert_eq!(texts(line), None, "{line}");
        }
    }

    #[test]
    fn other_texts_are_written_as_json_dumps_writes_them() {
        let line = r#"{"doc_id": 1, "target": [0.5, 1e16, 100, "a\"\u0001é", null, {"k": true}], "arguments": [["chat", " x"], ["chat", " y "]], "filtered_resps": [["-2", "False"], ["-1", "False"]]}"#;
        let got = texts(line).unwrap();
        assert_eq!(
            got.target.as_deref(),
            Some(r#"[0.5, 1e+16, 100, "a\"\u0001é", null, {"k": true}]"#)
        );
        assert_eq!(got.prompt.as_deref(), Some("chat"));
        assert_eq!(got.response.as_deref(), Some("choice 1: y"));
    }

    #[test]
    fn json_numbers_follow_the_grammar() {
        for good in ["0", "-0", "12", "-1.5", "1e5", "2.5E-3", "0.0"] {
            assert!(is_json_number(good.as_bytes()), "{good}");
        }
        for bad in [
            "", "-", "01", "1.", ".5", "+1", "1e", "1e+", "1_0", "--1", "1.5.2",
        ] {
            assert!(!is_json_number(bad.as_bytes()), "{bad}");
        }
    }
}
