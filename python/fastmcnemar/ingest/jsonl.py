"""Reading a few keys out of big JSON-lines files.

lm-eval samples lines are mostly prompt text; we keep a handful of small keys.
The fast path hands the file to Polars' multi-threaded NDJSON reader with an
explicit schema of only those keys (the rest of each line is parsed but never
materialised). Anything it refuses (a corrupt line, a ``NaN`` literal that
Python's json writes, a value of an unexpected type) falls back to a line-by-line
reader that either succeeds or names the file and line that is broken.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from fastmcnemar.exceptions import InputFormatError


def first_record(path: Path) -> dict[str, Any]:
    """The first non-empty line of a JSONL file, parsed."""
    for lineno, line in _lines(path):
        return _parse_line(path, lineno, line)
    raise InputFormatError(f"{path}: no samples (the file is empty)")


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.strip():
                yield lineno, line


def _parse_line(path: Path, lineno: int, line: bytes) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputFormatError(f"{path}: line {lineno}: not valid JSON ({err})") from None
    if not isinstance(record, dict):
        raise InputFormatError(
            f"{path}: line {lineno}: expected a JSON object, got {type(record).__name__}"
        )
    return record


def read_keys(path: Path, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Read only the keys in ``schema`` from every line of ``path``.

    Keys absent from a line become nulls. A Boolean column (the first line had
    ``true``/``false``) comes back as 0/1 floats; numeric columns accept ints,
    floats and booleans; a value of another type raises :class:`InputFormatError`
    naming the line and key.
    """
    try:
        frame = pl.read_ndjson(path, schema=schema, ignore_errors=False)
    except Exception:
        # Polars' messages do not name the line: redo it slowly to find out what
        # is wrong, or to accept what Polars refused but JSON allows (NaN).
        return _read_keys_slowly(path, schema)
    bools = [k for k, v in schema.items() if v == pl.Boolean()]
    return frame.with_columns(pl.col(bools).cast(pl.Float64)) if bools else frame


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
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _numeric_schema(schema: dict[str, pl.DataType]) -> dict[str, pl.DataType]:
    """Boolean columns are read as 0/1 floats by the slow readers."""
    return {k: (pl.Float64() if v == pl.Boolean() else v) for k, v in schema.items()}


def _read_keys_slowly(path: Path, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    schema = _numeric_schema(schema)
    columns: dict[str, list[Any]] = {key: [] for key in schema}
    for lineno, line in _lines(path):
        record = _parse_line(path, lineno, line)
        for key, dtype in schema.items():
            columns[key].append(_coerce(f"{path}: line {lineno}", key, record.get(key), dtype))
    return pl.DataFrame(columns, schema=schema)


def read_json_array(path: Path, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Read only the keys in ``schema`` from a file holding one JSON array of objects.

    lm-eval 0.4.0-0.4.2 wrote its samples like this (``json.dumps(..., indent=2)``);
    the whole document has to be parsed, so this is slower than JSONL.
    """
    try:
        with path.open("rb") as fh:
            records = json.load(fh)
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
        for key, dtype in schema.items():
            columns[key].append(_coerce(f"{path}: entry {index}", key, record.get(key), dtype))
    return pl.DataFrame(columns, schema=schema)


__all__ = ["first_record", "read_json_array", "read_keys"]
