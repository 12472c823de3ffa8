"""Reading a few keys out of big JSON-lines files.

lm-eval samples lines are mostly prompt text; we keep a handful of small keys.
The fast path is ``fastmcnemar._core.scan_jsonl``, a parallel Rust scanner that
walks each line's top-level members, skips the values it does not need by
bracket matching (prompt strings cost a SIMD byte search, not a parse) and
decodes only the wanted ones; it names the first broken line. A value of an
unexpected type falls back to a line-by-line Python reader that names the line
and the value.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from fastmcnemar import _early_scan as early_scan
from fastmcnemar.exceptions import InputFormatError
from fastmcnemar.ingest.lfs import check_not_lfs_pointer
from fastmcnemar.ingest.safe_io import loads, open_regular, read_bounded


def first_record(path: Path) -> dict[str, Any]:
    """The first non-empty line of a JSONL file, parsed."""
    for lineno, line in _lines(path):
        return _parse_line(path, lineno, line)
    raise InputFormatError(f"{path}: no samples (the file is empty)")


def outlines(
    paths: Sequence[Path], skip: Collection[str]
) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """The first and last records of each of ``paths``, without their big values.

    The files are read in parallel in Rust (``fastmcnemar._core.outline_jsonl``): each
    end's record has its structure checked as a scanned line is, and comes back with
    the values of the ``skip`` keys replaced by ``None``; the other values are parsed
    here by ``json.loads`` (so checked in full). The last record is the first one again
    in a one-line file, and None when the last line is broken (a full scan reports where).

    Raises
    ------
    InputFormatError
        A file is unreadable, not a regular file, empty, or its first record is not a
        JSON object; the message names the file (and the line). A file that is a Git
        LFS pointer is named as one.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "s.jsonl").write_text('{"doc": {"q": "..."}, "acc": 1}\\n{"acc": 0}\\n')
    >>> outlines([folder / "s.jsonl"], skip={"doc"})
    [({'doc': None, 'acc': 1}, {'acc': 0})]
    """
    from fastmcnemar._core import outline_jsonl

    try:
        outlined = outline_jsonl(list(paths), sorted(skip))
    except InputFormatError:
        for path in paths:
            check_not_lfs_pointer(path)  # the usual reason a line 1 is not JSON
        raise
    found: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    for path, (lineno, first_text, last_text) in zip(paths, outlined, strict=True):
        first = _parse_line(path, lineno, first_text)
        try:
            last = None if last_text is None else loads(last_text, f"{path}: last line")
        except (json.JSONDecodeError, UnicodeDecodeError, InputFormatError):
            last = None
        found.append((first, last))
    return found


def records_at(
    path: Path, rows: Collection[int], skip: Collection[str] = ()
) -> list[dict[str, Any]]:
    """The non-blank lines numbered ``rows`` (0-based, blank lines not counted), parsed,
    in row order; rows past the end are left out.

    The lines are cut and walked in Rust (``fastmcnemar._core.outline_rows``: one read
    up to the last wanted row, newlines found by a SIMD search), and only the wanted
    ones are parsed here, with the values of the ``skip`` keys as None.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "s.jsonl"
    >>> _ = path.write_text('{"a": 0}\\n\\n{"a": 1, "doc": [2]}\\n{"a": 2}\\n')
    >>> records_at(path, {1, 2}, skip={"doc"})
    [{'a': 1, 'doc': None}, {'a': 2}]
    """
    return [record for _, record in _numbered_records(path, rows, skip)]


def records_where(
    path: Path, key: str, values: Collection[str], skip: Collection[str] = ()
) -> list[tuple[str, dict[str, Any]]]:
    """``(value, record)`` for every line whose top-level ``key`` stands for one of
    ``values`` (a string as it reads, a number as its text, as :func:`read_keys` reads
    them into a text column), in file order, parsed.

    Meant for a file already scanned: one pass in Rust (``fastmcnemar._core.outline_where``)
    walks each line up to ``key`` (the rest of the line is searched for a repeat of the
    key, not walked) and hands over only the matching lines, walked whole, with the
    values of the ``skip`` keys as None; a line broken there raises
    :class:`InputFormatError` naming it.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "s.jsonl"
    >>> _ = path.write_text('{"id": 1, "a": 0}\\n{"id": "x", "a": 1}\\n{"id": 1.0, "a": 2}\\n')
    >>> records_where(path, "id", {"1"})
    [('1', {'id': 1, 'a': 0}), ('1', {'id': 1.0, 'a': 2})]
    """
    from fastmcnemar._core import outline_where

    if not values:
        return []
    found = outline_where(path, key, sorted(values), sorted(skip))
    return [(value, _parse_line(path, lineno, text)) for lineno, value, text in found]


def parse_records(texts: Sequence[bytes]) -> list[dict[str, Any]] | None:
    """Outline texts (from ``fastmcnemar._core``) parsed, or None when one is not a JSON
    object (for callers that then read the file another way)."""
    records = []
    for text in texts:
        try:
            record = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            return None
        if not isinstance(record, dict):
            return None
        records.append(record)
    return records


def line_of_record(path: Path, row: int) -> int:
    """The 1-based line number of the ``row``-th (0-based) non-blank line."""
    found = _numbered_records(path, [row], ())
    return found[0][0] if found else row + 1


def _numbered_records(
    path: Path, rows: Collection[int], skip: Collection[str]
) -> list[tuple[int, dict[str, Any]]]:
    """(1-based line number, parsed record) of the non-blank lines numbered ``rows``."""
    from fastmcnemar._core import outline_rows

    if not rows:
        return []
    return [
        (lineno, _parse_line(path, lineno, text))
        for lineno, text in outline_rows(path, sorted(rows), sorted(skip))
    ]


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(1-based line number, line) of the non-blank lines. Read in blocks split in C
    (iterating a file object line by line copied every 3 KB prompt line twice); the
    blocks grow from 16 KiB, so reading only the first line stays cheap."""
    lineno = 0
    rest = b""
    block = 1 << 14
    with open_regular(path) as fh:
        while chunk := fh.read(block):
            block = min(block * 4, _BLOCK)
            *complete, rest = (rest + chunk).split(b"\n")
            for line in complete:
                lineno += 1
                if line and not line.isspace():
                    yield lineno, line
    if rest and not rest.isspace():
        yield lineno + 1, rest


_BLOCK = 1 << 22


def _parse_line(path: Path, lineno: int, line: bytes) -> dict[str, Any]:
    try:
        record = loads(line, f"{path}: line {lineno}")
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        if lineno == 1:
            check_not_lfs_pointer(path)
        raise InputFormatError(f"{path}: line {lineno}: not valid JSON ({err})") from None
    if not isinstance(record, dict):
        raise InputFormatError(
            f"{path}: line {lineno}: expected a JSON object, got {type(record).__name__}"
        )
    return record


# Kind codes of fastmcnemar._core.scan_jsonl (rust/fastmcnemar-core/src/jsonl/mod.rs).
_MISSING, _NULL, _NUMBER, _BOOL, _STRING = 0, 1, 2, 3, 4
_ALLOWED_KINDS = {
    "number": (_MISSING, _NULL, _NUMBER, _BOOL),
    "text": (_MISSING, _NULL, _NUMBER, _STRING),
}
# The same as lookup tables indexed by kind code (one pass over the codes).
_ALLOWED_TABLES = {name: np.isin(np.arange(256), codes) for name, codes in _ALLOWED_KINDS.items()}


#: The column :func:`read_keys` adds with ``line_starts=True``.
LINE_START = "_line_start"


def read_keys(
    path: Path, schema: dict[str, pl.DataType], *, line_starts: bool = False
) -> pl.DataFrame:
    """Read only the keys in ``schema`` from every line of ``path``.

    Keys absent from a line become nulls. Numeric (Float64 / Boolean) columns come
    back as Float64 and accept numbers, booleans (as 0/1) and Python's NaN /
    Infinity literals; Utf8 columns accept strings and numbers (as their text).
    A value of another type, or a broken line, raises :class:`InputFormatError`
    naming the file, line and key. ``line_starts``: add a UInt64 column
    :data:`LINE_START`, where each row's line starts in the file (so that a line
    can be read again alone: :mod:`fastmcnemar.compare.flip_texts`).
    """
    from fastmcnemar._core import scan_jsonl

    check_not_lfs_pointer(path)
    keys = list(schema)
    wants_text = [schema[k] == pl.Utf8() for k in keys]
    # A broken line, an unreadable file or one that is not regular (a FIFO is
    # refused without blocking) raises InputFormatError, made in Rust, naming the
    # file and line.
    early = early_scan.take(path, keys, wants_text)  # the command's reference, scanned early
    rows, columns, starts = early if early is not None else scan_jsonl(path, keys, wants_text)
    series: list[pl.Series] = []
    for key, is_text, (kinds, column) in zip(keys, wants_text, columns, strict=True):
        allowed = _ALLOWED_TABLES["text" if is_text else "number"]
        if not allowed[kinds].all():
            # Let the line-by-line reader name the line and the value.
            return _read_keys_slowly(path, schema)
        # Arrow straight from the scanner: text (numbers as "16") or Float64, null
        # where the key is missing or null.
        series.append(pl.Series(column).alias(key))
    if line_starts:
        series.append(pl.Series(LINE_START, starts))
    frame = pl.DataFrame(series) if series else pl.DataFrame(schema={})
    if frame.height != rows:
        raise InputFormatError(f"{path}: internal error: {frame.height} values for {rows} lines")
    return frame


def _coerce(where: str, key: str, value: Any, dtype: pl.DataType) -> Any:
    if value is None:
        return None
    if dtype == pl.Float64():
        if isinstance(value, bool):
            return 1.0 if value else 0.0
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str) and value.strip().lower() in {"nan", "inf", "-inf", "infinity"}:
            return float(value)
        raise InputFormatError(
            f"{where}: {key!r} is {type(value).__name__} {_short(value)}, expected a number"
        )
    if dtype == pl.Int64():
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise InputFormatError(f"{where}: {key!r} is {_short(value)}, expected an integer")
    if dtype == pl.Utf8():
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                raise InputFormatError(f"{where}: {key!r} is {value}")
            return str(value)
        raise InputFormatError(f"{where}: {key!r} is {_short(value)}, expected text")
    return value


def _short(value: Any) -> str:
    try:
        text = json.dumps(value, default=str)
    except (RecursionError, ValueError):
        return "a deeply nested value"
    return text if len(text) <= 40 else text[:37] + "..."


def doc_where(where: str, record: dict[str, Any]) -> str:
    """``where`` plus the record's doc id, when it has a plain one."""
    doc_id = record.get("doc_id")
    if isinstance(doc_id, (str, int)) and not isinstance(doc_id, bool):
        return f"{where} (doc_id {_short(doc_id)})"
    return where


def _numeric_schema(schema: dict[str, pl.DataType]) -> dict[str, pl.DataType]:
    """Boolean columns are read as 0/1 floats by the slow readers."""
    return {k: (pl.Float64() if v == pl.Boolean() else v) for k, v in schema.items()}


def _read_keys_slowly(path: Path, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    schema = _numeric_schema(schema)
    columns: dict[str, list[Any]] = {key: [] for key in schema}
    for lineno, line in _lines(path):
        record = _parse_line(path, lineno, line)
        where = doc_where(f"{path}: line {lineno}", record)
        for key, dtype in schema.items():
            columns[key].append(_coerce(where, key, record.get(key), dtype))
    return pl.DataFrame(columns, schema=schema)


def read_json_array(path: Path, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Read only the keys in ``schema`` from a file holding one JSON array of objects.

    lm-eval 0.4.0-0.4.2 wrote its samples like this (``json.dumps(..., indent=2)``);
    the whole document has to be parsed, so this is slower than JSONL.
    """
    check_not_lfs_pointer(path)
    try:
        records = loads(read_bounded(path), str(path))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputFormatError(f"{path}: not valid JSON ({err})") from None
    if not isinstance(records, list):
        raise InputFormatError(f"{path}: expected a JSON array of samples")
    if not records:
        raise InputFormatError(f"{path}: no samples (the array is empty)")
    schema = _numeric_schema(schema)
    columns: dict[str, list[Any]] = {key: [] for key in schema}
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise InputFormatError(f"{path}: entry {index}: expected a JSON object")
        where = doc_where(f"{path}: entry {index}", record)
        for key, dtype in schema.items():
            columns[key].append(_coerce(where, key, record.get(key), dtype))
    return pl.DataFrame(columns, schema=schema)


__all__ = [
    "first_record",
    "line_of_record",
    "outlines",
    "read_json_array",
    "read_keys",
    "records_at",
    "records_where",
]
