//! Reading harness logs: `scan_jsonl` pulls a few top-level keys out of a
//! JSON-lines file (see `fastmcnemar_core::jsonl`), and `json_array_fields`
//! finds a few fields of every element of one array of a whole JSON
//! document (Inspect's `.json` logs), both off the interpreter. A broken
//! line or document is an `InputFormatError` made here from the core's typed
//! `Error::Parse`, naming the file and line, so Python never reads positions
//! out of message text.

use std::path::PathBuf;

use fastmcnemar_core::Error;
use fastmcnemar_core::coding::TextColumn;
use fastmcnemar_core::jsonl::chosen::{
    ChosenFile, ChosenSpec, DocDictionary, ReferenceLookup as CoreLookup, scan_chosen_files,
};
use fastmcnemar_core::jsonl::document::array_field_spans;
use fastmcnemar_core::jsonl::flip_texts::{LineTexts, line_texts};
use fastmcnemar_core::jsonl::open_regular;
use fastmcnemar_core::jsonl::outline::{
    outline_at_starts, outline_files, outline_rows, outline_where,
};
use fastmcnemar_core::jsonl::{KeySpec, Scan, Texts, kind, scan_file};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rayon::prelude::*;

use crate::arrow_column::{ArrowColumn, Payload};
use crate::arrow_text::ArrowText;
use crate::errors::{InputFormatError, InvalidArgumentError, PyCoreErr, PyCoreResult};
use crate::runtime::{Size, run};

/// One extracted column: kind codes, and the values as an Arrow-exportable
/// column (text for text keys, float64 otherwise; null where missing).
type ColumnOut<'py> = (Bound<'py, PyArray1<u8>>, Bound<'py, ArrowColumn>);

/// Scans `path` line by line for the top-level `keys`; `text_keys[i]` asks for
/// the text of key `i`. Returns `(rows, [(kinds, column), ...], starts)`:
/// `column` is an [`ArrowColumn`]: large utf8 for text keys (numbers as their
/// text, integers in integer form), float64 for the others (booleans as 0/1,
/// null where the key is missing or null); `starts`: where each row's line
/// starts in the file (a byte offset).
#[pyfunction]
#[pyo3(signature = (path, keys, text_keys, *, n_threads = None))]
fn scan_jsonl<'py>(
    py: Python<'py>,
    path: PathBuf,
    keys: Vec<String>,
    text_keys: Vec<bool>,
    n_threads: Option<usize>,
) -> PyCoreResult<(usize, Vec<ColumnOut<'py>>, Bound<'py, PyArray1<u64>>)> {
    let specs = key_specs(keys, text_keys)?;
    let out = run(py, n_threads, Size::Long, |checkpoint| {
        scan_file(&path, &specs, checkpoint)
    })
    .map_err(|err| in_file(&path, err))?;
    scan_out(py, out)
}

/// [`scan_jsonl`] of several files in one call, one after another, for the same
/// `keys`: one entry per file, `None` where a file could not be scanned (its
/// reader scans it again alone, to name the problem). One call leaves the
/// interpreter once for every file, which matters on a thread that has to win
/// the interpreter back from another one importing modules.
#[pyfunction]
#[pyo3(signature = (paths, keys, text_keys, *, n_threads = None))]
#[allow(clippy::type_complexity)]
fn scan_jsonl_many<'py>(
    py: Python<'py>,
    paths: Vec<PathBuf>,
    keys: Vec<String>,
    text_keys: Vec<bool>,
    n_threads: Option<usize>,
) -> PyCoreResult<Vec<Option<(usize, Vec<ColumnOut<'py>>, Bound<'py, PyArray1<u64>>)>>> {
    let specs = key_specs(keys, text_keys)?;
    let scans = run(py, n_threads, Size::Long, |checkpoint| {
        Ok(paths
            .iter()
            .map(|path| scan_file(path, &specs, checkpoint).ok())
            .collect::<Vec<_>>())
    })?;
    scans
        .into_iter()
        .map(|scan| scan.map(|out| scan_out(py, out)).transpose())
        .collect()
}

fn key_specs(keys: Vec<String>, text_keys: Vec<bool>) -> PyCoreResult<Vec<KeySpec>> {
    if keys.len() != text_keys.len() {
        return Err(InvalidArgumentError::new_err(format!(
            "keys has {} entries but text_keys has {}",
            keys.len(),
            text_keys.len()
        ))
        .into());
    }
    Ok(keys
        .into_iter()
        .zip(text_keys)
        .map(|(name, want_text)| KeySpec { name, want_text })
        .collect())
}

/// A scan as Python receives it: `(rows, [(kinds, column), ...], starts)`.
#[allow(clippy::type_complexity)]
fn scan_out(
    py: Python<'_>,
    out: Scan,
) -> PyCoreResult<(usize, Vec<ColumnOut<'_>>, Bound<'_, PyArray1<u64>>)> {
    let mut columns = Vec::with_capacity(out.columns.len());
    for c in out.columns {
        let payload = match c.texts {
            Some(texts) => Payload::Text(texts),
            None => Payload::Numbers {
                valid: c
                    .kinds
                    .iter()
                    .map(|&k| k != kind::MISSING && k != kind::NULL)
                    .collect(),
                values: c.numbers,
            },
        };
        let kinds = PyArray1::from_vec(py, c.kinds);
        columns.push((kinds, Bound::new(py, ArrowColumn::new(payload))?));
    }
    Ok((out.rows, columns, PyArray1::from_vec(py, out.starts)))
}

/// What `scan_chosen` needs of an audit's reference, built once per audit and
/// shared by every candidate's scans: its doc ids (a doc's code is its
/// position), and its rows sorted by (key, doc) as `key << 32 | doc` codes,
/// with each key's first row (`offsets`) and the rows' three hashes.
#[pyclass(module = "fastmcnemar._core", frozen)]
pub struct ReferenceLookup(CoreLookup);

#[pymethods]
impl ReferenceLookup {
    #[new]
    fn new(
        doc_ids: Vec<String>,
        pair_code: PyReadonlyArray1<'_, i64>,
        offsets: PyReadonlyArray1<'_, i64>,
        hashes: [Bound<'_, PyAny>; 3],
    ) -> PyCoreResult<Self> {
        let docs = DocDictionary::new(doc_ids)?;
        let negative = || InvalidArgumentError::new_err("codes and offsets must be >= 0");
        let pair_code = pair_code
            .as_slice()?
            .iter()
            .map(|&c| u64::try_from(c).map_err(|_| negative()))
            .collect::<PyResult<Vec<u64>>>()?;
        let offsets = offsets
            .as_slice()?
            .iter()
            .map(|&o| usize::try_from(o).map_err(|_| negative()))
            .collect::<PyResult<Vec<usize>>>()?;
        let [h0, h1, h2] = &hashes;
        let hashes = [hash_texts(h0)?, hash_texts(h1)?, hash_texts(h2)?];
        Ok(ReferenceLookup(CoreLookup::new(
            docs, pair_code, offsets, hashes,
        )?))
    }
}

/// One hash column (a text Series, read in place through the Arrow stream
/// interface, no Python object per row) as the lookup's texts; null rows have
/// no hash.
fn hash_texts(column: &Bound<'_, PyAny>) -> PyCoreResult<Texts> {
    let Some(text) = ArrowText::import(column)? else {
        return Err(InvalidArgumentError::new_err(
            "hash columns must be text (Arrow utf8, large utf8 or string view)",
        )
        .into());
    };
    Ok((0..text.len()).map(|row| text.get(row)).collect())
}

/// Every file's kept lines, concatenated in file order: doc codes, scores and
/// lines per file; whether a hash differs from the reference's, how many doc
/// hashes were compared; and where each kept line starts in its file.
type ChosenOut<'py> = (
    Bound<'py, PyArray1<u32>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<u64>>,
    bool,
    usize,
    Bound<'py, PyArray1<u64>>,
);

/// The kept lines, or (as a string) why the general reader is needed.
#[derive(IntoPyObject)]
enum ChosenResult<'py> {
    Kept(ChosenOut<'py>),
    Fallback(String),
}

/// Reads the lines of filter `keep_filters[i]` of the lm-eval samples file
/// `paths[i]`, for every file of a run at once (see
/// `fastmcnemar_core::jsonl::chosen`): the code of each line's doc id, its
/// `metrics[i]`, whether one of its three `hashes` differs from the reference's
/// row of (`keys[i]`, doc), how many doc hashes were compared, and each kept
/// line's byte offset in its file. Returns those, or a short reason when a file needs the general reader. The first
/// broken file is an `InputFormatError` naming it and the line.
#[pyfunction]
#[pyo3(signature = (paths, reference, *, doc_id, filter, hashes, metrics, keep_filters, keys, n_threads = None))]
#[allow(clippy::too_many_arguments)]
fn scan_chosen<'py>(
    py: Python<'py>,
    paths: Vec<PathBuf>,
    reference: &ReferenceLookup,
    doc_id: &str,
    filter: &str,
    hashes: [String; 3],
    metrics: Vec<String>,
    keep_filters: Vec<String>,
    keys: Vec<u32>,
    n_threads: Option<usize>,
) -> PyCoreResult<ChosenResult<'py>> {
    let n = paths.len();
    if metrics.len() != n || keep_filters.len() != n || keys.len() != n {
        return Err(InvalidArgumentError::new_err(
            "paths, metrics, keep_filters and keys must have one entry per file",
        )
        .into());
    }
    let files: Vec<ChosenFile<'_>> = (0..n)
        .map(|i| ChosenFile {
            path: &paths[i],
            spec: ChosenSpec {
                doc_id,
                filter,
                hashes: [&hashes[0], &hashes[1], &hashes[2]],
                metric: &metrics[i],
                keep_filter: &keep_filters[i],
                key: keys[i],
            },
        })
        .collect();
    let outcomes = run(py, n_threads, Size::Long, |checkpoint| {
        let outcomes = scan_chosen_files(&files, &reference.0, checkpoint);
        checkpoint.check()?; // Ctrl-C: the skipped files are not a result
        Ok(outcomes)
    })?;
    let (mut doc, mut score, mut start) = (Vec::new(), Vec::new(), Vec::new());
    let mut lines = Vec::with_capacity(n);
    let (mut differs, mut checked) = (false, 0usize);
    for (outcome, path) in outcomes.into_iter().zip(&paths) {
        match outcome.map_err(|err| in_file(path, err.into()))? {
            Ok(kept) => {
                lines.push(kept.doc.len() as u64);
                doc.extend(kept.doc);
                score.extend(kept.score);
                start.extend(kept.start);
                differs |= kept.hash_differs;
                checked += kept.hashes_checked;
            }
            Err(why) => {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                return Ok(ChosenResult::Fallback(format!("{name}: {why:?}")));
            }
        }
    }
    Ok(ChosenResult::Kept((
        PyArray1::from_vec(py, doc),
        PyArray1::from_vec(py, score),
        PyArray1::from_vec(py, lines),
        differs,
        checked,
        PyArray1::from_vec(py, start),
    )))
}

/// The first and last records of each of `paths` with the values of the
/// `skip` keys replaced by `null` (see `fastmcnemar_core::jsonl::outline`):
/// `[(first_line, first, last or None), ...]`: the first record's 1-based line
/// number, and both records as compact JSON text, for a full parser to
/// read. The files are read in parallel off the interpreter. The first file
/// (in order) that is unreadable, not a regular file, empty, or whose first
/// record is broken is an `InputFormatError` naming it (and the line).
#[pyfunction]
#[pyo3(signature = (paths, skip, *, n_threads = None))]
fn outline_jsonl<'py>(
    py: Python<'py>,
    paths: Vec<PathBuf>,
    skip: Vec<String>,
    n_threads: Option<usize>,
) -> PyCoreResult<Vec<Outlined<'py>>> {
    let skip: Vec<&str> = skip.iter().map(String::as_str).collect();
    let files: Vec<&std::path::Path> = paths.iter().map(PathBuf::as_path).collect();
    let outcomes = run(py, n_threads, Size::Long, |checkpoint| {
        let outcomes = outline_files(&files, &skip, checkpoint);
        checkpoint.check()?; // Ctrl-C: the skipped files are not a result
        Ok(outcomes)
    })?;
    let mut out = Vec::with_capacity(outcomes.len());
    for (outcome, path) in outcomes.into_iter().zip(&paths) {
        let found = outcome.map_err(|err| in_file(path, err.into()))?;
        let (line, first) = found.first.map_err(|err| in_file(path, err.into()))?;
        let last = found.last.map(|text| PyBytes::new(py, &text));
        out.push((line, PyBytes::new(py, &first), last));
    }
    Ok(out)
}

/// The records of `path` at `rows` (0-based among its non-blank lines) as
/// `[(line, text), ...]` in row order, with the `skip` keys' values `null`
/// (`skip=[]`: whole records). One read of the file up to the last wanted
/// row, off the interpreter; rows past the end are left out. A broken wanted
/// record, or a file that cannot be read, is an `InputFormatError` naming it.
#[pyfunction(name = "outline_rows")]
#[pyo3(signature = (path, rows, skip))]
fn outline_rows_of<'py>(
    py: Python<'py>,
    path: PathBuf,
    rows: Vec<usize>,
    skip: Vec<String>,
) -> PyCoreResult<Vec<(usize, Bound<'py, PyBytes>)>> {
    let skip: Vec<&str> = skip.iter().map(String::as_str).collect();
    let found = run(py, None, Size::Long, |checkpoint| {
        outline_rows(&open_regular(&path)?, &rows, &skip, checkpoint)
    })
    .map_err(|err| in_file(&path, err))?;
    Ok(found
        .into_iter()
        .map(|(line, text)| (line, PyBytes::new(py, &text)))
        .collect())
}

/// A flipped line's texts, or its outline text for Python to read.
type FlipLine = Result<LineTexts, Vec<u8>>;

/// The texts of the flipped lines of the files `paths` that start at byte
/// offsets `starts[i]` (as the scanner reports them), in the order given:
/// each line read on its own (its `skip` keys' values not parsed), the files
/// in parallel off the interpreter. A line is `(doc_id, filter, prompt,
/// target, response)` as `fastmcnemar.compare.flip_texts` makes them, or its
/// outline text where Python must read it (a shape the core leaves to it, see
/// `fastmcnemar_core::jsonl::flip_texts`). A file that cannot be read there
/// (gone, changed, no record at a start) gives None instead of its lines;
/// only Ctrl-C is an error.
#[pyfunction]
#[pyo3(signature = (paths, starts, skip, *, n_threads = None))]
fn flip_texts_at_starts_many<'py>(
    py: Python<'py>,
    paths: Vec<PathBuf>,
    starts: Vec<Vec<u64>>,
    skip: Vec<String>,
    n_threads: Option<usize>,
) -> PyCoreResult<Vec<Option<Vec<Bound<'py, PyAny>>>>> {
    if paths.len() != starts.len() {
        return Err(
            InvalidArgumentError::new_err("paths and starts must have one entry per file").into(),
        );
    }
    let skip: Vec<&str> = skip.iter().map(String::as_str).collect();
    let found = run(py, n_threads, Size::Long, |checkpoint| {
        let found: Vec<Option<Vec<FlipLine>>> = paths
            .par_iter()
            .zip(&starts)
            .map(|(path, starts)| {
                let file = open_regular(path).ok()?;
                let texts = outline_at_starts(&file, starts, &skip, checkpoint).ok()?;
                Some(
                    texts
                        .into_iter()
                        .map(|text| line_texts(&text).ok_or(text))
                        .collect(),
                )
            })
            .collect();
        checkpoint.check()?; // Ctrl-C: the files left unread are not a result
        Ok(found)
    })?;
    let line = |line: FlipLine| -> PyResult<Bound<'py, PyAny>> {
        Ok(match line {
            Ok(t) => (t.doc_id, t.filter, t.prompt, t.target, t.response)
                .into_pyobject(py)?
                .into_any(),
            Err(text) => PyBytes::new(py, &text).into_any(),
        })
    };
    found
        .into_iter()
        .map(|lines| {
            lines
                .map(|lines| lines.into_iter().map(line).collect())
                .transpose()
        })
        .collect::<PyResult<_>>()
        .map_err(Into::into)
}

/// The records of `path` whose top-level `key` stands for one of `values`
/// (a string's content, a number as its text) as `[(line, value, text), ...]`
/// in file order, with the `skip` keys' values `null`. One read of the whole
/// file, off the interpreter. A broken line, or a file that cannot be read,
/// is an `InputFormatError` naming it (and the line).
#[pyfunction(name = "outline_where")]
#[pyo3(signature = (path, key, values, skip))]
fn outline_where_of<'py>(
    py: Python<'py>,
    path: PathBuf,
    key: &str,
    values: Vec<String>,
    skip: Vec<String>,
) -> PyCoreResult<Vec<(usize, String, Bound<'py, PyBytes>)>> {
    let skip: Vec<&str> = skip.iter().map(String::as_str).collect();
    let wanted: std::collections::HashSet<Vec<u8>> =
        values.into_iter().map(String::into_bytes).collect();
    let found = run(py, None, Size::Long, |checkpoint| {
        outline_where(&open_regular(&path)?, key, &wanted, &skip, checkpoint)
    })
    .map_err(|err| in_file(&path, err))?;
    Ok(found
        .into_iter()
        .map(|m| {
            // `value` is one of `values`, so it is UTF-8.
            let value = String::from_utf8_lossy(&m.value).into_owned();
            (m.line, value, PyBytes::new(py, &m.text))
        })
        .collect())
}

/// One file's outline: the first record's line number and text, and the last
/// record's text, if any.
type Outlined<'py> = (usize, Bound<'py, PyBytes>, Option<Bound<'py, PyBytes>>);

/// A reading failure of the file at `path` as an `InputFormatError` naming
/// it: `<path>: line <n>: not valid JSON (column <c>: <what>)` for a broken line,
/// `<path>: <reason>` when it cannot be read. Other errors pass unchanged.
fn in_file(path: &std::path::Path, err: PyCoreErr) -> PyCoreErr {
    let path = path.display();
    let message = match err {
        // A JSON-lines record: the line leads, the column is inside the parentheses.
        PyCoreErr::Core(Error::Parse {
            line: Some(line),
            column,
            byte: None,
            message,
        }) => {
            let at = column.map(|c| format!("column {c}: ")).unwrap_or_default();
            format!("{path}: line {line}: not valid JSON ({at}{message})")
        }
        // A whole document: where it broke, then what.
        PyCoreErr::Core(Error::Parse {
            line: Some(line),
            column: Some(column),
            message,
            ..
        }) => format!("{path}: not valid JSON (line {line}, column {column}: {message})"),
        PyCoreErr::Core(Error::Parse { message, .. }) => {
            format!("{path}: not valid JSON ({message})")
        }
        PyCoreErr::Core(Error::Io(message)) => format!("{path}: {message}"),
        other => return other,
    };
    PyCoreErr::Python(InputFormatError::new_err(message))
}

/// The array's byte range (None when absent or null) and the fields' spans.
type ArrayFields<'py> = (Option<(usize, usize)>, Bound<'py, PyArray1<i64>>);

/// Where the top-level `array_key` of the JSON document `data` is, and where
/// `fields` are in each of its elements: `(array_span or None, spans)` with
/// `spans` a flat int64 array of `(start, end)` per element and field, in
/// element-major order, -1 where a field is absent. An `InputFormatError`
/// (with a byte offset) when the document is not what the walk expects.
#[pyfunction]
fn json_array_fields<'py>(
    py: Python<'py>,
    data: &[u8],
    array_key: &str,
    fields: Vec<String>,
) -> PyCoreResult<ArrayFields<'py>> {
    let names: Vec<&str> = fields.iter().map(String::as_str).collect();
    let spans = py.detach(|| array_field_spans(data, array_key, &names))?;
    let flat: Vec<i64> = spans
        .fields
        .iter()
        .flatten()
        .flat_map(|span| match span {
            Some((start, end)) => [*start as i64, *end as i64],
            None => [-1, -1],
        })
        .collect();
    Ok((spans.array, PyArray1::from_vec(py, flat)))
}

/// Adds this area's functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scan_jsonl, m)?)?;
    m.add_function(wrap_pyfunction!(scan_jsonl_many, m)?)?;
    m.add_function(wrap_pyfunction!(json_array_fields, m)?)?;
    m.add_function(wrap_pyfunction!(scan_chosen, m)?)?;
    m.add_function(wrap_pyfunction!(flip_texts_at_starts_many, m)?)?;
    m.add_function(wrap_pyfunction!(outline_jsonl, m)?)?;
    m.add_function(wrap_pyfunction!(outline_rows_of, m)?)?;
    m.add_function(wrap_pyfunction!(outline_where_of, m)?)?;
    m.add_class::<ReferenceLookup>()?;
    m.add_class::<ArrowColumn>()?;
    Ok(())
}
