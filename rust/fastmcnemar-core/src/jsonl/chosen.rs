//! One chosen (filter, metric) of an lm-eval samples file, read straight into
//! what an audit pairs on: no text column leaves Rust.
//!
//! An audit knows from its reference which (filter, metric) each task tests
//! and every doc id the reference holds. [`scan_chosen`] scans the file with
//! the JSON-lines scanner for six top-level keys (doc id, filter, the three
//! hashes, the metric), keeps the lines of the chosen filter (each segment's
//! on the thread that scanned it, so no merged columns are built), and gives
//! per kept line, in file order:
//! - the doc's code: its position in the reference's doc-id dictionary;
//! - the score as a double (booleans as 0/1);
//!
//! and, for the whole file, whether any of the three hashes differs from the
//! reference's for the same (task, doc) where both have it, and how many lines
//! had both doc hashes: the hashes are compared here, as text, so they never
//! become columns. The reference's side is a [`ReferenceLookup`], built once
//! per audit: the dictionary, and the reference's rows sorted by (key, doc)
//! with their hashes, where a doc is found by binary search within its key.
//!
//! Anything it does not expect is a [`Fallback`] (a doc id the reference
//! lacks, a missing filter, doc id or score, three or more filters, a value of
//! an unexpected type): the
//! caller then reads the file the general way, which explains or raises with
//! the exact message. It is stricter than the general reader, never looser,
//! so a file it accepts reads the same either way. A broken line is an error,
//! as in [`scan_file`](super::scan_file).

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::{Column, KeySpec, Texts, kind, scan_file_segments};
use crate::coding::key::{Key, KeyHasher};
use crate::control::Checkpoint;
use crate::error::{Error, Result};

/// Hashes per line: doc, prompt and target.
pub const HASHES: usize = 3;

/// The reference's doc ids (as the scanner writes them: strings as they are,
/// numbers as their text), each with its code: its position in the list.
/// Keyed as the compare path keys ids (`coding::key`): an id of up to 12
/// bytes is one packed integer, so a lookup costs no byte comparison call.
#[derive(Debug, Clone, Default)]
pub struct DocDictionary {
    short: HashMap<u128, u32, KeyHasher>,
    long: HashMap<Box<[u8]>, u32, KeyHasher>,
}

impl DocDictionary {
    /// The dictionary of `ids`; an error when an id repeats or there are more
    /// than 2^32 - 1 of them.
    pub fn new<I, S>(ids: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        let mut dictionary = DocDictionary::default();
        for (position, id) in ids.into_iter().enumerate() {
            let code = u32::try_from(position)
                .ok()
                .filter(|&c| c < u32::MAX)
                .ok_or_else(|| Error::InvalidArgument("more than 2^32 - 1 doc ids".into()))?;
            let id = id.as_ref();
            let repeated = match Key::of(id) {
                Key::Short(packed) => dictionary.short.insert(packed, code),
                Key::Long(bytes) => dictionary.long.insert(bytes.into(), code),
            };
            if repeated.is_some() {
                return Err(Error::InvalidArgument(format!(
                    "doc id {:?} appears twice in the dictionary",
                    String::from_utf8_lossy(id)
                )));
            }
        }
        Ok(dictionary)
    }

    /// The code of `id`, if the reference holds it.
    pub fn code(&self, id: &[u8]) -> Option<u32> {
        match Key::of(id) {
            Key::Short(packed) => self.short.get(&packed),
            Key::Long(bytes) => self.long.get(bytes),
        }
        .copied()
    }

    /// Number of doc ids.
    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    /// True when there are no doc ids.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What the scanner needs of the reference: its doc ids with their codes, and
/// its rows sorted by (key, doc) with their three hashes.
#[derive(Debug, Clone, Default)]
pub struct ReferenceLookup {
    docs: DocDictionary,
    /// `key << 32 | doc` of every row, ascending.
    pair_code: Vec<u64>,
    /// Row range of each key: `offsets[k]..offsets[k + 1]`.
    offsets: Vec<usize>,
    hashes: [Texts; HASHES],
}

impl ReferenceLookup {
    /// The lookup over `docs` and the rows `pair_code` (ascending, one per
    /// (key, doc)) with their `hashes`; `offsets` has one more entry than keys.
    pub fn new(
        docs: DocDictionary,
        pair_code: Vec<u64>,
        offsets: Vec<usize>,
        hashes: [Texts; HASHES],
    ) -> Result<Self> {
        let rows = pair_code.len();
        let sorted = pair_code.windows(2).all(|w| w[0] < w[1]);
        let bounded = offsets.first() == Some(&0)
            && offsets.last() == Some(&rows)
            && offsets.windows(2).all(|w| w[0] <= w[1]);
        if !sorted || !bounded || hashes.iter().any(|h| h.len() != rows) {
            return Err(Error::InvalidArgument(
                "reference rows must be strictly ascending, with offsets from 0 to the \
                 number of rows and one hash per row"
                    .into(),
            ));
        }
        Ok(ReferenceLookup {
            docs,
            pair_code,
            offsets,
            hashes,
        })
    }

    /// The reference's row of (`key`, `doc`), if it has one.
    fn row(&self, key: u32, doc: u32) -> Option<usize> {
        let k = key as usize;
        let range = *self.offsets.get(k)?..*self.offsets.get(k + 1)?;
        let code = (u64::from(key) << 32) | u64::from(doc);
        let at = self.pair_code[range.clone()].binary_search(&code).ok()?;
        Some(range.start + at)
    }
}

/// The keys to read and the filter to keep.
#[derive(Debug, Clone, Copy)]
pub struct ChosenSpec<'a> {
    /// The doc id key (`doc_id`).
    pub doc_id: &'a str,
    /// The filter key (`filter`).
    pub filter: &'a str,
    /// The doc, prompt and target hash keys.
    pub hashes: [&'a str; HASHES],
    /// The chosen metric's key.
    pub metric: &'a str,
    /// The chosen filter's name: only its lines are kept.
    pub keep_filter: &'a str,
    /// The reference's key code of this (task, filter, metric).
    pub key: u32,
}

/// The kept lines, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chosen {
    /// The doc code of each kept line.
    pub doc: Vec<u32>,
    /// The chosen metric of each kept line.
    pub score: Vec<f64>,
    /// Where each kept line starts in the file (its flipped samples' texts are
    /// read from there, without a second scan).
    pub start: Vec<u64>,
    /// Whether a hash of a kept line differs from the reference's for the same
    /// doc, where both have it.
    pub hash_differs: bool,
    /// Kept lines with a doc hash whose doc the reference has with a doc hash.
    pub hashes_checked: usize,
}

/// Why the file needs the general reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fallback {
    /// The file has no lines.
    NoLines,
    /// No line has the chosen filter.
    FilterNotFound,
    /// A line without a filter, or whose filter is not a string.
    FilterMissing,
    /// Three or more filters (the reader's layout assumptions stop at two).
    ManyFilters,
    /// A line without a doc id.
    DocIdMissing,
    /// A kept line's doc id is not in the reference.
    UnknownDoc,
    /// A kept line without a score.
    ScoreMissing,
    /// A value of a type the general reader would reject or explain.
    UnexpectedValue(&'static str),
    /// Not read: an earlier file of the run already needs the general reader.
    EarlierFile,
}

/// One file of a run and what to keep of it.
#[derive(Debug, Clone, Copy)]
pub struct ChosenFile<'a> {
    /// The samples file.
    pub path: &'a Path,
    /// The keys, filter and key code (see [`ChosenSpec`]).
    pub spec: ChosenSpec<'a>,
}

/// What [`scan_chosen_files`] found in one file: the kept lines, or why the
/// general reader is needed; an error when the file is broken or unreadable.
pub type FileOutcome = Result<std::result::Result<Chosen, Fallback>>;

/// Reads every file of a run (see [`scan_chosen`]), the files in parallel on
/// the current rayon pool as well as the segments within each, and gives
/// their outcomes in the order of `files`. After the first failed file (in
/// that order) the later ones are not needed; they stop at their next segment.
pub fn scan_chosen_files(
    files: &[ChosenFile<'_>],
    reference: &ReferenceLookup,
    checkpoint: &dyn Checkpoint,
) -> Vec<FileOutcome> {
    let first_failed = AtomicUsize::new(usize::MAX);
    files
        .par_iter()
        .enumerate()
        .map(|(i, file)| {
            if i > first_failed.load(Ordering::Relaxed) {
                return Ok(Err(Fallback::EarlierFile));
            }
            let outcome = checkpoint
                .check()
                .and_then(|()| scan_chosen(file.path, &file.spec, reference, checkpoint));
            if !matches!(outcome, Ok(Ok(_))) {
                first_failed.fetch_min(i, Ordering::Relaxed);
            }
            outcome
        })
        .collect()
}

/// Reads the chosen (filter, metric) of the file at `path` (see the module notes).
pub fn scan_chosen(
    path: &Path,
    spec: &ChosenSpec<'_>,
    reference: &ReferenceLookup,
    checkpoint: &dyn Checkpoint,
) -> Result<std::result::Result<Chosen, Fallback>> {
    // Each segment's rows are kept on the thread that scanned them, while in
    // cache: no merged columns are built (no copy of the hashes' text).
    let keys = spec.keys();
    let parts = scan_file_segments(path, &keys, checkpoint, |rows, columns, starts| {
        keep_rows(rows, &columns, &starts, spec, reference)
    })?;
    Ok(combine(parts))
}

impl ChosenSpec<'_> {
    /// The scanner's keys: doc id, filter and the hashes as text, the metric as a number.
    fn keys(&self) -> Vec<KeySpec> {
        let text = [self.doc_id, self.filter].into_iter().chain(self.hashes);
        text.map(|name| (name, true))
            .chain([(self.metric, false)])
            .map(|(name, want_text)| KeySpec {
                name: name.to_string(),
                want_text,
            })
            .collect()
    }
}

/// What one stretch of rows (a segment, or a whole scan) gave.
struct Kept {
    rows: usize,
    chosen: Chosen,
    /// The distinct filters, in order of first appearance (at most three).
    filters: Vec<Vec<u8>>,
    /// The first reason met for the general reader; the rows after it are not read.
    fallback: Option<Fallback>,
}

/// The stretches' kept lines in order, or the reason for the general reader:
/// a third filter over all of them, the first stretch's own reason, no lines,
/// or no line of the chosen filter.
fn combine(parts: Vec<Kept>) -> std::result::Result<Chosen, Fallback> {
    let mut filters: Vec<Vec<u8>> = Vec::with_capacity(2);
    let mut out = Chosen::default();
    let mut rows = 0;
    for part in parts {
        for name in part.filters {
            if !filters.contains(&name) {
                if filters.len() == 2 {
                    return Err(Fallback::ManyFilters);
                }
                filters.push(name);
            }
        }
        if let Some(why) = part.fallback {
            return Err(why);
        }
        rows += part.rows;
        out.doc.extend(part.chosen.doc);
        out.score.extend(part.chosen.score);
        out.start.extend(part.chosen.start);
        out.hash_differs |= part.chosen.hash_differs;
        out.hashes_checked += part.chosen.hashes_checked;
    }
    if rows == 0 {
        return Err(Fallback::NoLines);
    }
    if out.doc.is_empty() {
        return Err(Fallback::FilterNotFound);
    }
    Ok(out)
}

/// [`keep_stretch`] as a [`Kept`]: the rows, the filters seen and why it stopped.
fn keep_rows(
    rows: usize,
    columns: &[Column],
    starts: &[u64],
    spec: &ChosenSpec<'_>,
    reference: &ReferenceLookup,
) -> Kept {
    let mut filters: Vec<&[u8]> = Vec::with_capacity(2);
    let mut chosen = Chosen::default();
    let fallback = keep_stretch(
        rows,
        columns,
        starts,
        spec,
        reference,
        &mut filters,
        &mut chosen,
    )
    .err();
    Kept {
        rows,
        chosen,
        filters: filters.into_iter().map(<[u8]>::to_vec).collect(),
        fallback,
    }
}

/// Keeps the chosen filter's rows of one stretch into `out`, noting each new
/// filter in `filters`, until a row needs the general reader.
fn keep_stretch<'c>(
    rows: usize,
    columns: &'c [Column],
    starts: &[u64],
    spec: &ChosenSpec<'_>,
    reference: &ReferenceLookup,
    filters: &mut Vec<&'c [u8]>,
    out: &mut Chosen,
) -> std::result::Result<(), Fallback> {
    let [doc_id, filter, h0, h1, h2, metric] = columns else {
        return Err(Fallback::UnexpectedValue("columns"));
    };
    let hashes = [h0, h1, h2];
    for row in 0..rows {
        match doc_id.kinds[row] {
            kind::STRING | kind::NUMBER => {}
            kind::MISSING | kind::NULL => return Err(Fallback::DocIdMissing),
            _ => return Err(Fallback::UnexpectedValue("doc id")),
        }
        if filter.kinds[row] != kind::STRING {
            return Err(Fallback::FilterMissing);
        }
        let name = text(filter, row);
        if !filters.contains(&name) {
            filters.push(name);
            if filters.len() > 2 {
                return Err(Fallback::ManyFilters);
            }
        }
        for hash in hashes {
            if !matches!(
                hash.kinds[row],
                kind::MISSING | kind::NULL | kind::STRING | kind::NUMBER
            ) {
                return Err(Fallback::UnexpectedValue("hash"));
            }
        }
        let score_kind = metric.kinds[row];
        if !matches!(
            score_kind,
            kind::MISSING | kind::NULL | kind::NUMBER | kind::BOOL
        ) {
            return Err(Fallback::UnexpectedValue("metric"));
        }
        if name != spec.keep_filter.as_bytes() {
            continue;
        }
        if !matches!(score_kind, kind::NUMBER | kind::BOOL) {
            return Err(Fallback::ScoreMissing);
        }
        let code = reference
            .docs
            .code(text(doc_id, row))
            .ok_or(Fallback::UnknownDoc)?;
        out.doc.push(code);
        out.score.push(metric.numbers[row]);
        // Every scanned row has a start; were one missing, u64::MAX reads no line,
        // so the texts reader searches the file instead of trusting it.
        out.start.push(starts.get(row).copied().unwrap_or(u64::MAX));
        // A doc the reference lacks for this key is left to the pairing, which
        // finds the sequences unequal.
        if let Some(at) = reference.row(spec.key, code) {
            for (i, hash) in hashes.iter().enumerate() {
                // Numbers stand as their text, as the general reader reads them.
                let present = matches!(hash.kinds[row], kind::STRING | kind::NUMBER);
                if let (Some(theirs), true) = (reference.hashes[i].bytes(at), present) {
                    out.hash_differs |= theirs != text(hash, row);
                    out.hashes_checked += usize::from(i == 0);
                }
            }
        }
    }
    Ok(())
}

/// Row `row`'s text in a text column (empty when absent: callers check the kind first).
fn text(column: &Column, row: usize) -> &[u8] {
    column
        .texts
        .as_ref()
        .and_then(|texts| texts.bytes(row))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "f33062b99e8b1cd44ef2fe82f32f3bca4f80ae4aa4f022972427ba3509c5adcd";

    fn spec(filter: &str) -> ChosenSpec<'_> {
        ChosenSpec {
            doc_id: "doc_id",
            filter: "filter",
            hashes: ["doc_hash", "prompt_hash", "target_hash"],
            metric: "acc",
            keep_filter: filter,
            key: 1,
        }
    }

    /// Docs "0", "1", "2", "x"; key 0 holds doc 1, key 1 docs 0, 2 and "x"
    /// with doc hash `H` (none for "x") and target hash "t" for doc 2.
    fn reference() -> ReferenceLookup {
        let docs = DocDictionary::new(["0", "1", "2", "x"]).unwrap();
        let codes = [(0u64, 1u64), (1, 0), (1, 2), (1, 3)];
        let pair_code = codes.iter().map(|(k, d)| (k << 32) | d).collect();
        let h = Some(H);
        let hashes = [
            [h, h, h, None].into_iter().collect(),
            [None::<&str>; 4].into_iter().collect(),
            [None, None, Some("t"), None].into_iter().collect(),
        ];
        ReferenceLookup::new(docs, pair_code, vec![0, 1, 4], hashes).unwrap()
    }

    /// The text kept in one segment.
    fn read(text: &str, filter: &str) -> std::result::Result<Chosen, Fallback> {
        read_in_segments(text, filter, 1 << 30, 1 << 20)
    }

    fn line(doc: &str, filter: &str, acc: &str, hash: &str) -> String {
        format!(
            r#"{{"doc_id": {doc}, "doc": {{"q": "a \"b\" {{"}}, "filter": "{filter}", "doc_hash": {hash}, "prompt_hash": null, "acc": {acc}}}"#
        ) + "\n"
    }

    #[test]
    fn keeps_the_chosen_filter_with_codes_scores_and_hash_checks() {
        let hash = format!("\"{H}\"");
        let text = [
            line("2", "strict", "1.0", &hash),
            line("2", "flex", "0.0", "\"other\""),
            line("\"x\"", "strict", "false", "null"),
            line("0", "flex", "true", &hash),
            line("0", "strict", "1", &hash),
        ]
        .concat();
        let out = read(&text, "strict").unwrap();
        assert_eq!(out.doc, vec![2, 3, 0]);
        assert_eq!(out.score, vec![1.0, 0.0, 1.0]);
        // Docs 2 and 0 have a doc hash on both sides; the other filter's differs, unread.
        assert_eq!((out.hash_differs, out.hashes_checked), (false, 2));
    }

    #[test]
    fn a_differing_hash_is_found_where_both_sides_have_it() {
        let other = format!("\"{}\"", H.replace('f', "e"));
        let out = read(&line("0", "strict", "1", &other), "strict").unwrap();
        assert_eq!((out.hash_differs, out.hashes_checked), (true, 1));
        // The target hash: "t" on the reference's doc 2, absent on the line: not compared.
        let out = read(&line("2", "strict", "1", "null"), "strict").unwrap();
        assert_eq!((out.hash_differs, out.hashes_checked), (false, 0));
        let text = r#"{"doc_id": 2, "filter": "strict", "target_hash": "u", "acc": 1}"#;
        let out = read(&format!("{text}\n"), "strict").unwrap();
        assert!(out.hash_differs);
        // Doc 1 is not in key 1: left to the pairing, no hash compared.
        let out = read(&line("1", "strict", "1", &other), "strict").unwrap();
        assert_eq!(
            (out.doc.clone(), out.hash_differs, out.hashes_checked),
            (vec![1], false, 0)
        );
    }

    /// The same text kept segment by segment, as `scan_chosen` reads a file,
    /// with segments and read buffers of the given sizes.
    fn read_in_segments(
        text: &str,
        filter: &str,
        segment: u64,
        buffer: usize,
    ) -> std::result::Result<Chosen, Fallback> {
        let s = spec(filter);
        let layout = crate::jsonl::segment::Layout { segment, buffer };
        let r = reference();
        let parts = crate::jsonl::scan_segments(
            text.as_bytes(),
            &s.keys(),
            &crate::control::NeverStop,
            layout,
            |rows, columns, starts| keep_rows(rows, &columns, &starts, &s, &r),
        )
        .unwrap();
        combine(parts)
    }

    #[test]
    fn kept_segment_by_segment_as_in_one_piece() {
        let hash = format!("\"{H}\"");
        let other = format!("\"{}\"", H.replace('f', "e"));
        let good: String = (0..40)
            .map(|i| {
                let doc = ["0", "2", "\"x\""][i % 3];
                let filter = ["strict", "flex"][i % 2];
                line(
                    doc,
                    filter,
                    ["1", "0.5", "true"][i % 3],
                    if i == 30 { &other } else { &hash },
                )
            })
            .collect();
        // A third filter met in a later segment than the first two; a reason late in the file.
        let third = format!("{good}{}", line("0", "third", "1", &hash));
        let unknown = format!("{good}{}", line("7", "strict", "1", &hash));
        for text in [good.as_str(), &third, &unknown, ""] {
            for filter in ["strict", "flex", "none"] {
                let whole = read(text, filter);
                for (segment, buffer) in [(1, 1), (7, 3), (64, 16), (1000, 200), (1 << 20, 1 << 16)]
                {
                    assert_eq!(
                        read_in_segments(text, filter, segment, buffer),
                        whole,
                        "{segment} {buffer}"
                    );
                }
            }
        }
        assert!(read(&good, "strict").unwrap().hash_differs);
        // Each kept line's start is where its text begins (after a byte-order mark).
        let marked = format!("\u{feff}{good}");
        for (text, skip) in [(good.as_str(), 0), (marked.as_str(), 3)] {
            let kept = read(text, "flex").unwrap();
            let lines: Vec<usize> = std::iter::once(skip)
                .chain(text.match_indices('\n').map(|(at, _)| at + 1))
                .filter(|&at| at < text.len())
                .collect();
            let flex: Vec<u64> = lines
                .iter()
                .skip(1)
                .step_by(2)
                .map(|&at| at as u64)
                .collect();
            assert_eq!(kept.start, flex);
        }
        assert_eq!(read(&third, "strict"), Err(Fallback::ManyFilters));
        assert_eq!(read(&unknown, "strict"), Err(Fallback::UnknownDoc));
    }

    #[test]
    fn anything_unexpected_asks_for_the_general_reader() {
        let hash = format!("\"{H}\"");
        let cases = [
            (line("7", "strict", "1", &hash), Fallback::UnknownDoc),
            (line("0", "strict", "null", &hash), Fallback::ScoreMissing),
            (
                line("0", "strict", "\"1\"", &hash),
                Fallback::UnexpectedValue("metric"),
            ),
            (
                line("0", "strict", "1", "[1]"),
                Fallback::UnexpectedValue("hash"),
            ),
            (line("null", "strict", "1", &hash), Fallback::DocIdMissing),
            (
                line("[0]", "strict", "1", &hash),
                Fallback::UnexpectedValue("doc id"),
            ),
            (line("0", "other", "1", &hash), Fallback::FilterNotFound),
            (String::new(), Fallback::NoLines),
            (
                r#"{"doc_id": 0, "acc": 1}"#.to_string() + "\n",
                Fallback::FilterMissing,
            ),
            (
                [
                    line("0", "a", "1", &hash),
                    line("1", "b", "1", &hash),
                    line("2", "strict", "1", &hash),
                ]
                .concat(),
                Fallback::ManyFilters,
            ),
        ];
        for (text, why) in cases {
            assert_eq!(read(&text, "strict"), Err(why.clone()), "{text}");
        }
        // A score of the wrong type on a line of another filter also falls back.
        let text = [
            line("0", "strict", "1", &hash),
            line("0", "flex", "{}", &hash),
        ]
        .concat();
        assert_eq!(
            read(&text, "strict"),
            Err(Fallback::UnexpectedValue("metric"))
        );
    }

    #[test]
    fn files_come_back_in_order_and_stop_after_a_failed_one() {
        let dir = std::env::temp_dir().join(format!("fmn-chosen-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let hash = format!("\"{H}\"");
        let texts = [
            line("0", "strict", "1", &hash),
            line("2", "strict", "0", &hash),
            line("7", "strict", "1", &hash),
            "{broken\n".to_string(),
        ];
        let paths: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let path = dir.join(format!("{i}.jsonl"));
                std::fs::write(&path, text).unwrap();
                path
            })
            .collect();
        let files: Vec<ChosenFile<'_>> = paths
            .iter()
            .map(|path| ChosenFile {
                path,
                spec: spec("strict"),
            })
            .collect();
        let lookup = reference();
        let out = scan_chosen_files(&files[..2], &lookup, &crate::control::NeverStop);
        let docs: Vec<_> = out
            .iter()
            .map(|o| o.as_ref().unwrap().as_ref().unwrap().doc.clone())
            .collect();
        assert_eq!(docs, vec![vec![0], vec![2]]);
        let out = scan_chosen_files(&files[2..], &lookup, &crate::control::NeverStop);
        assert_eq!(out[0], Ok(Err(Fallback::UnknownDoc)));
        // The broken file after it is either skipped or reported as broken.
        assert!(matches!(
            out[1],
            Ok(Err(Fallback::EarlierFile)) | Err(Error::Parse { .. })
        ));
        let out = scan_chosen_files(&files[3..], &lookup, &crate::control::NeverStop);
        assert!(matches!(out[0], Err(Error::Parse { line: Some(1), .. })));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_lookup_refuses_what_it_cannot_search() {
        assert!(DocDictionary::new(["1", "2", "1"]).is_err());
        let docs = DocDictionary::new(["1", "2"]).unwrap();
        assert_eq!(
            (docs.code(b"2"), docs.code(b"3"), docs.len()),
            (Some(1), None, 2)
        );
        let none = || [(); 3].map(|()| [None::<&str>; 2].into_iter().collect::<Texts>());
        let unsorted = ReferenceLookup::new(docs.clone(), vec![2, 1], vec![0, 2], none());
        assert!(unsorted.is_err());
        let short = ReferenceLookup::new(docs.clone(), vec![1, 2], vec![0, 1], none());
        assert!(short.is_err());
        let lookup = ReferenceLookup::new(docs, vec![1, 2], vec![0, 2], none()).unwrap();
        assert_eq!(
            (lookup.row(0, 2), lookup.row(0, 3), lookup.row(5, 1)),
            (Some(1), None, None)
        );
    }

    #[test]
    fn the_dictionary_codes_short_and_long_ids_exactly() {
        // Around the 12-byte packing limit, with zero bytes and prefixes of each other.
        let ids: Vec<Vec<u8>> = (0..20)
            .flat_map(|len| [vec![b'7'; len], [vec![b'7'; len], vec![0]].concat()])
            .collect();
        let docs = DocDictionary::new(&ids).unwrap();
        assert_eq!(docs.len(), ids.len());
        for (code, id) in ids.iter().enumerate() {
            assert_eq!(docs.code(id), Some(code as u32), "{id:?}");
        }
        assert_eq!(docs.code(&[b'7'; 25]), None);
        assert_eq!(docs.code(b"8"), None);
        assert!(DocDictionary::new([vec![b'x'; 30], vec![b'x'; 30]]).is_err());
    }
}
