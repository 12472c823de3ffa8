//! The scanner against hand-made lines, and every way of cutting a file into
//! segments and buffers against the plain one-segment scan.

use super::segment::{DEFAULT_LAYOUT, Layout};
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

/// Equal scans (NaN numbers compare by bits).
fn same(a: &Scan, b: &Scan) -> bool {
    a.rows == b.rows
        && a.starts == b.starts
        && a.columns.len() == b.columns.len()
        && a.columns.iter().zip(&b.columns).all(|(x, y)| {
            let bits = |c: &Column| c.numbers.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            x.kinds == y.kinds && bits(x) == bits(y) && x.texts == y.texts
        })
}

fn run(text: &str, spec: &[(&str, bool)]) -> Result<Scan> {
    scan_bytes(text.as_bytes(), &keys(spec), &NeverStop)
}

#[test]
fn each_row_knows_where_its_line_starts() {
    let text = "\u{feff}{\"a\": 1}\r\n\n  \n {\"a\": 2}\n{\"a\": 3}";
    let out = run(text, &[("a", false)]).unwrap();
    let at = |s: &str| text.find(s).unwrap() as u64;
    // Past the byte-order mark; leading blanks belong to the line.
    assert_eq!(out.starts, [3, at(" {\"a\": 2}"), at("{\"a\": 3}")]);
    for layout in [(1, 1), (5, 2), (16, 4)] {
        let layout = Layout {
            segment: layout.0,
            buffer: layout.1,
        };
        let small = scan_with_layout(text.as_bytes(), &keys(&[("a", false)]), &NeverStop, layout);
        assert_eq!(small.unwrap().starts, out.starts, "{layout:?}");
    }
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
    assert_eq!(texts.get(0), Some("3")); // numbers of text keys come as their text
    assert!(id.numbers.is_empty());
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
fn parse_errors_are_typed_with_their_line() {
    // The glue reads the line from the variant, never from the message text.
    let err = run("{\"a\": 1}\n\n{\"a\": [1, 2}\n", &[("a", false)]).unwrap_err();
    match err {
        Error::Parse {
            line: Some(3),
            column: Some(column),
            byte: None,
            message,
        } => {
            assert!(message.starts_with("mismatched"), "{message}");
            // `{"a": [1, 2}`: the scanner stops at the `}` that closes nothing.
            assert_eq!(column, 12, "{message}");
        }
        other => panic!("expected a typed parse error at line 3, got {other:?}"),
    }
    let missing = scan_file(
        Path::new("/nonexistent/fastmcnemar.jsonl"),
        &keys(&[("a", false)]),
        &NeverStop,
    )
    .unwrap_err();
    assert!(matches!(missing, Error::Io(_)), "{missing:?}");
}

#[test]
fn lines_longer_than_a_block_and_many_blocks() {
    let long = "x".repeat(DEFAULT_LAYOUT.buffer + 10);
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
fn a_repeated_key_without_text_drops_the_earlier_text() {
    let text = concat!(
        "{\"s\": \"a\", \"s\": null}\n",
        "{\"s\": 7, \"s\": [1]}\n",
        "{\"s\": true, \"s\": \"d\"}\n",
        "{\"s\": \"e\", \"s\": {}}\n",
    );
    let out = run(text, &[("s", true)]).unwrap();
    let (kinds, texts) = (
        &out.columns[0].kinds,
        out.columns[0].texts.as_ref().unwrap(),
    );
    assert_eq!(
        kinds,
        &[kind::NULL, kind::ARRAY, kind::STRING, kind::OBJECT]
    );
    let got: Vec<Option<&str>> = (0..4).map(|row| texts.get(row)).collect();
    assert_eq!(got, [None, None, Some("d"), None]);
    assert_eq!(texts.data, b"d");
}

#[test]
fn empty_input() {
    let out = run("", &[("a", true)]).unwrap();
    assert_eq!(out.rows, 0);
    assert_eq!(out.columns[0].kinds.len(), 0);
}

/// Lines of every awkward shape: blank, whitespace-only, CRLF, nested
/// brackets in strings, escapes, numbers that are ids, a missing final newline.
fn awkward_text(lines: usize) -> String {
    let mut text = String::new();
    for i in 0..lines {
        match i % 7 {
            0 => text.push('\n'),
            1 => text.push_str("  \t \r\n"),
            2 => text.push_str(&format!(
                "{{\"doc\": {{\"q\": \"a \\\"{{[\\\\\", \"n\": [1, [2, {{}}]]}}, \"id\": {i}, \"s\": \"v{i}\"}}\r\n"
            )),
            3 => text.push_str(&format!(
                "{{\"id\": {i}.0, \"p\": \"{}\", \"s\": \"\\u00e9{i}\"}}\n",
                "w".repeat(i % 50)
            )),
            _ => text.push_str(&format!("{{\"s\": \"x{i}\", \"id\": {i}.25}}\n")),
        }
    }
    text.push_str("{\"id\": -7, \"s\": null}");
    text
}

#[test]
fn every_layout_gives_the_same_scan() {
    let text = awkward_text(300);
    let spec = keys(&[("id", true), ("s", true)]);
    let whole = Layout {
        segment: u64::MAX / 2,
        buffer: 1 << 20,
    };
    let reference = scan_with_layout(text.as_bytes(), &spec, &NeverStop, whole).unwrap();
    assert_eq!(reference.rows, (0..300).filter(|i| i % 7 >= 2).count() + 1);
    let ids = reference.columns[0].texts.as_ref().unwrap();
    assert_eq!((ids.get(0), ids.get(1)), (Some("2"), Some("3"))); // `3.0` is the id 3
    assert_eq!(ids.get(reference.rows - 1), Some("-7"));
    for segment in [1u64, 2, 3, 7, 31, 64, 100, 257, 1000] {
        for buffer in [1usize, 2, 5, 16, 64, 333] {
            let layout = Layout { segment, buffer };
            let got = scan_with_layout(text.as_bytes(), &spec, &NeverStop, layout).unwrap();
            assert!(same(&got, &reference), "segment {segment}, buffer {buffer}");
        }
    }
}

#[test]
fn error_line_numbers_do_not_depend_on_the_layout() {
    let mut text = awkward_text(120);
    text.push_str("\n\n{\"id\": 1, \"s\": \"cut\n{\"id\": 2}\n{\"id\": [}\n");
    let spec = keys(&[("id", true)]);
    for segment in [1u64, 5, 64, 4096, 1 << 30] {
        for buffer in [1usize, 7, 4096] {
            let layout = Layout { segment, buffer };
            let err = scan_with_layout(text.as_bytes(), &spec, &NeverStop, layout)
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("line 123: unterminated string"),
                "segment {segment}, buffer {buffer}: {err}"
            );
        }
    }
}

#[test]
fn a_newline_inside_a_value_is_a_truncated_line() {
    for (text, expected) in [
        ("{\"a\": [1,\n2]}\n", "line 1: unbalanced brackets"),
        ("{\"a\": \n1}\n", "line 1: line ends inside a value"),
        ("{\"a\": 1\n}\n", "line 1: line ends inside the object"),
        (
            "{\n\"a\": 1}\n",
            "line 1: line ends where a key was expected",
        ),
    ] {
        let err = run(text, &[("a", false)]).unwrap_err().to_string();
        assert!(err.starts_with(expected), "{text:?}: {err}");
    }
}

#[test]
fn deep_nesting_spills_past_the_inline_stack() {
    let depth = 200;
    let text = format!(
        "{{\"deep\": {}{}, \"a\": 1}}\n{{\"deep\": {}{}]}}\n",
        "[".repeat(depth),
        "]".repeat(depth),
        "[".repeat(depth),
        "]".repeat(depth - 2) + "}"
    );
    let err = run(&text, &[("a", false)]).unwrap_err().to_string();
    assert!(err.starts_with("line 2: mismatched '}'"), "{err}");
    let ok = run(&text[..text.find('\n').unwrap() + 1], &[("a", false)]).unwrap();
    assert_eq!(ok.columns[0].numbers, vec![1.0]);
}

#[test]
fn reads_files_by_path() {
    let dir = std::env::temp_dir().join(format!("fastmcnemar-jsonl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("samples.jsonl");
    let text = awkward_text(50);
    std::fs::write(&path, &text).unwrap();
    let spec = keys(&[("id", true), ("s", true)]);
    let from_file = scan_file(&path, &spec, &NeverStop).unwrap();
    let from_bytes = scan_bytes(text.as_bytes(), &spec, &NeverStop).unwrap();
    assert!(same(&from_file, &from_bytes));
    let missing = scan_file(&dir.join("absent.jsonl"), &spec, &NeverStop)
        .unwrap_err()
        .to_string();
    assert!(missing.contains("cannot read"), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn refuses_what_is_not_a_regular_file_without_blocking() {
    let dir = std::env::temp_dir().join(format!("fastmcnemar-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("samples.jsonl");
    // A FIFO nobody writes to: a plain open() would wait forever.
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let spec = keys(&[("id", true)]);
    if made.is_ok_and(|s| s.success()) {
        let err = scan_file(&fifo, &spec, &NeverStop).unwrap_err().to_string();
        assert!(
            err.contains("a FIFO (named pipe), not a regular file"),
            "{err}"
        );
    }
    let err = scan_file(&dir, &spec, &NeverStop).unwrap_err().to_string();
    assert!(err.contains("a directory, not a regular file"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Counts the bytes a scan reads.
struct Counting<'a> {
    bytes: &'a [u8],
    read: std::sync::atomic::AtomicU64,
}

impl Source for Counting<'_> {
    fn size(&self) -> std::io::Result<u64> {
        self.bytes.size()
    }

    fn read_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
        let n = self.bytes.read_at(buf, offset)?;
        self.read
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

#[test]
fn a_line_spanning_many_segments_is_read_about_once() {
    let long = format!("{{\"p\": \"{}\", \"a\": 1}}\n", "x".repeat(200_000));
    let text = format!("{{\"a\": 0}}\n{long}{{\"a\": 2}}\n");
    let source = Counting {
        bytes: text.as_bytes(),
        read: Default::default(),
    };
    let layout = Layout {
        segment: 1000,
        buffer: 4096,
    };
    let out = scan_with_layout(&source, &keys(&[("a", false)]), &NeverStop, layout).unwrap();
    assert_eq!(out.columns[0].numbers, vec![0.0, 1.0, 2.0]);
    // Each of the ~200 segments inside the line reads one buffer and stops at
    // its own end (reading on to the line's end would be ~100 times the file).
    let read = source.read.load(std::sync::atomic::Ordering::Relaxed);
    let bound = 2 * text.len() + text.len() / 1000 * 4096;
    assert!(read < bound as u64, "read {read} of {}", text.len());
}

#[test]
fn a_byte_order_mark_before_line_one_is_skipped() {
    let text = "\u{FEFF}{\"a\": 1}\n{\"a\": 2}\n";
    for segment in [1u64, 2, 3, 4, 100] {
        for buffer in [1usize, 2, 8, 64] {
            let layout = Layout { segment, buffer };
            let out = scan_with_layout(text.as_bytes(), &keys(&[("a", false)]), &NeverStop, layout)
                .unwrap();
            assert_eq!(out.columns[0].numbers, vec![1.0, 2.0], "{segment} {buffer}");
        }
    }
    // Only at the very start: elsewhere it is an error on its line.
    let err = run("{\"a\": 1}\n\u{FEFF}{\"a\": 2}\n", &[("a", false)])
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("line 2: expected '{'"), "{err}");
}

/// A random line from a few member names that look alike: names sharing a
/// prefix, a name with an escaped quote, one longer than the 32 bytes a
/// remembered name may have, spaces before a colon; members in random order,
/// values of every kind, and sometimes the line cut short.
fn alike_line(rng: &mut impl rand::Rng) -> String {
    const NAMES: [&str; 8] = [
        "\"id\"",
        "\"id_\"",
        "\"idx\"",
        "\"s\"",
        "\"s\\\"q\"",
        "\"a_name_well_past_the_thirty_two_bytes\"",
        "\"s\" ",
        "\"x\\u0073\"",
    ];
    const VALUES: [&str; 7] = [
        "1",
        "-2.5",
        "\"v\"",
        "null",
        "[1, {\"id\": 2}]",
        "true",
        "\"w\\\"\"",
    ];
    let members = (rng.next_u64() % 6) as usize;
    let mut line = String::from("{");
    for m in 0..members {
        if m > 0 {
            line.push_str(if rng.next_u64() % 5 == 0 {
                " ,\t"
            } else {
                ", "
            });
        }
        line.push_str(NAMES[(rng.next_u64() % NAMES.len() as u64) as usize]);
        line.push_str(": ");
        line.push_str(VALUES[(rng.next_u64() % VALUES.len() as u64) as usize]);
    }
    line.push('}');
    if rng.next_u64() % 10 == 0 {
        let cut = (rng.next_u64() % line.len() as u64) as usize;
        line.truncate(cut);
    }
    line
}

#[test]
fn a_line_reads_the_same_after_other_lines_as_alone() {
    // The scanner remembers each member's name from the line before; a line
    // must read the same whatever came before it: same row, or the same error.
    let mut rng = crate::rng::stream(31, 0);
    let spec = keys(&[("id", true), ("s", false), ("s\"q", true), ("idx", false)]);
    for _ in 0..400 {
        let lines: Vec<String> = (0..12).map(|_| alike_line(&mut rng)).collect();
        let text = lines.join("\n");
        let together = scan_bytes(text.as_bytes(), &spec, &NeverStop);
        let mut alone = Scan {
            rows: 0,
            columns: super::empty_columns(&spec),
            starts: Vec::new(),
        };
        let mut offset = 0u64;
        let mut failed = None;
        for (number, line) in lines.iter().enumerate() {
            match scan_bytes(line.as_bytes(), &spec, &NeverStop) {
                Ok(one) => {
                    alone.rows += one.rows;
                    alone.starts.extend(one.starts.iter().map(|s| s + offset));
                    for (all, col) in alone.columns.iter_mut().zip(one.columns) {
                        all.kinds.extend(col.kinds);
                        all.numbers.extend(col.numbers);
                        if let (Some(all), Some(col)) = (all.texts.as_mut(), col.texts) {
                            for row in 0..col.valid.len() {
                                all.start_row();
                                if let Some(t) = col.bytes(row) {
                                    all.set_last(t);
                                }
                            }
                        }
                    }
                }
                Err(Error::Parse {
                    column, message, ..
                }) => {
                    failed = Some((number + 1, column, message));
                    break;
                }
                Err(other) => panic!("{other:?}"),
            }
            offset += line.len() as u64 + 1;
        }
        match (together, failed) {
            (Ok(scan), None) => assert!(same(&scan, &alone), "{text}"),
            (
                Err(Error::Parse {
                    line,
                    column,
                    message,
                    ..
                }),
                Some((at, alone_column, alone_message)),
            ) => {
                assert_eq!(line, Some(at), "{text}");
                assert_eq!((column, message), (alone_column, alone_message), "{text}");
            }
            (together, failed) => panic!("{text}\n{together:?}\n{failed:?}"),
        }
    }
}
