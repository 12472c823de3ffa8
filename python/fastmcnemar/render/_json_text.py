"""Indented JSON text, byte for byte what ``json.dumps(value, indent=n, allow_nan=False)``
writes, at the C encoder's speed.

The standard library encodes indented JSON in pure Python (its C encoder is used only
without ``indent``), which made writing an audit's report (about a thousand flipped
samples per candidate) a tenth of the audit's time. The plain nesting of a document
(dicts, lists, scalars) is written by the core (``_core.document_json``); what it leaves
comes back to the Python writer here. Reports are mostly arrays of flat
records; a container whose items are all scalars is written here by the C encoder with
the indented layout's separators (``",\\n" + padding`` between items), and only the
nesting above those leaves is walked in Python. An array of flat records (the flipped
samples) is one C-encoder call too, its record boundaries re-indented afterwards.

A report's tables (flipped samples, task rows, an audit's summary) come as
:class:`Records` of a frame: the core writes them from the columns in place
(``_core.records_json``), with the same bytes, and the rows never become Python dicts.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import numpy as np
import polars as pl

from fastmcnemar import _core
from fastmcnemar.render._format import plain_rows

_SCALARS = frozenset({str, int, float, bool, type(None)})
_SCALAR = json.JSONEncoder(allow_nan=False).encode


@lru_cache(maxsize=64)
def _leaf_encoder(item_separator: str) -> Any:
    """One encoder per indentation depth (``json.dumps`` would build one per call)."""
    return json.JSONEncoder(allow_nan=False, separators=(item_separator, ": ")).encode


class Records:
    """A frame written as a JSON array of one flat record per row (``plain_rows``)."""

    __slots__ = ("frame",)

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    def rows(self) -> list[dict[str, Any]]:
        """The records as Python values (NaN and infinities as None)."""
        return plain_rows(self.frame)


def plain_default(value: Any) -> Any:
    """``json.dumps``'s ``default`` for a document holding :class:`Records`."""
    if isinstance(value, Records):
        return value.rows()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(value: Any, indent: int, level: int = 0) -> str:
    """``json.dumps(value, indent=indent, allow_nan=False)``, faster for wide reports;
    ``level``: the value's depth inside an enclosing document (its lines' indentation).

    The core writes the plain nesting (``_core.document_json``) and hands every other
    value (a :class:`Records` table, a subclass, a big integer, a non-finite float) back
    to the Python writer below, at its depth."""
    text: str = _core.document_json(value, indent, level, _python_writer(indent))
    return text


@lru_cache(maxsize=8)
def _python_writer(indent: int) -> Any:
    """``(value, level) -> text`` by the Python writer, for the values the core leaves."""

    def text(value: Any, level: int) -> str:
        parts: list[str] = []
        _write(value, indent, level, parts)
        return "".join(parts)

    return text


def _write(value: Any, indent: int, level: int, parts: list[str]) -> None:
    if type(value) is Records:
        text = records_text(value.frame, indent, level)
        if text is None:
            _write(value.rows(), indent, level, parts)
        else:
            parts.append(text)
        return
    if isinstance(value, dict):
        items: Any = value.values()
        opener, closer = "{", "}"
    elif isinstance(value, (list, tuple)):
        items = value
        opener, closer = "[", "]"
    else:
        parts.append(_SCALAR(value))
        return
    if not value:
        parts.append(opener + closer)
        return
    inner = "\n" + " " * (indent * (level + 1))
    if _SCALARS.issuperset(map(type, items)):
        # A leaf container: one C-encoder call with the indented layout's separators
        # (exact types only: a subclass goes the general way below, as json would).
        text = _leaf_encoder("," + inner)(value)
        parts.append(opener + inner + text[1:-1] + "\n" + " " * (indent * level) + closer)
        return
    if opener == "[" and _flat_records(items):
        parts.append(_records(value, indent, level))
        return
    parts.append(opener)
    if isinstance(value, dict):
        for i, (key, item) in enumerate(value.items()):
            parts.append(("," if i else "") + inner + _SCALAR(_key(key)) + ": ")
            _write(item, indent, level + 1, parts)
    else:
        for i, item in enumerate(value):
            parts.append(("," if i else "") + inner)
            _write(item, indent, level + 1, parts)
    parts.append("\n" + " " * (indent * level) + closer)


def _flat_records(items: Any) -> bool:
    """Every item a non-empty dict (exact type) of scalars."""
    return all(
        type(item) is dict and item and _SCALARS.issuperset(map(type, item.values()))
        for item in items
    )


def _records(value: Any, indent: int, level: int) -> str:
    """An array of flat records, indented, from one C-encoder call.

    Encoded with the records' item separator (``",\\n"`` + their padding), the text is
    ``[{k: v,<sep>k: v},<sep>{...}]``: only the array's own brackets and the record
    boundaries ``},<sep>{`` need their own line. Encoded strings hold no raw newline, so
    ``},<sep>{`` occurs nowhere else.
    """
    head, item_sep, _, record_sep, tail = _record_layout(indent, level)
    text: str = _leaf_encoder(item_sep)(value)
    body = text[2:-2].replace("}" + item_sep + "{", record_sep)
    return "[" + head + body + tail + "]"


def _record_layout(indent: int, level: int) -> tuple[str, str, str, str, str]:
    """How an indented array of flat records at ``level`` is laid out, as
    ``_core.records_json`` takes it: (after ``[``, between items, between key and value,
    between records, before ``]``). Each record sits one level deeper, its items two."""
    outer, middle, inner = ("\n" + " " * (indent * d) for d in (level, level + 1, level + 2))
    return (
        middle + "{" + inner,
        "," + inner,
        ": ",
        middle + "}," + middle + "{" + inner,
        middle + "}" + outer,
    )


_INTEGERS = frozenset(
    {pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64}
)


def records_text(frame: pl.DataFrame, indent: int, level: int) -> str | None:
    """``dumps(plain_rows(frame), indent, level)`` written by the core from the columns,
    or None when a column is not text, a number, a flag or null (then the caller encodes
    the rows), laid out as :func:`_records` lays out the same rows."""
    if frame.width == 0 or frame.height == 0:
        return None
    columns = []
    for name in frame.columns:
        column = _column(frame.get_column(name))
        if column is None:
            return None
        columns.append(column)
    text: str | None = _core.records_json(frame.columns, columns, _record_layout(indent, level))
    return text


def _column(series: pl.Series) -> tuple[str, Any, Any] | None:
    """A column as ``records_json`` takes it, or None for a kind it does not write.
    NumPy arrays come from ``to_numpy`` (a view where Polars can give one): a Polars
    expression per column cost more than writing the column."""
    dtype = series.dtype
    if dtype == pl.String:
        return ("text", series, None)
    if dtype == pl.Null:
        return ("null", series.len(), None)
    if dtype.is_float():
        # Nulls come out as NaN; NaN, infinities and nulls are all written as null.
        return ("float", np.ascontiguousarray(series.to_numpy(), dtype=np.float64), None)
    nulls = series.null_count() > 0
    valid = series.is_not_null().to_numpy() if nulls else None
    if dtype in _INTEGERS:
        if dtype == pl.UInt64 and (series.max() or 0) > 2**63 - 1:  # type: ignore[operator]
            return None
        values = (series.fill_null(0) if nulls else series).to_numpy()
        return ("int", np.ascontiguousarray(values, dtype=np.int64), valid)
    if dtype == pl.Boolean:
        values = (series.fill_null(False) if nulls else series).to_numpy()
        return ("bool", np.ascontiguousarray(values, dtype=np.bool_), valid)
    return None


def _key(key: Any) -> str:
    """A dict key as ``json`` writes it (str as is; numbers, booleans and None as text)."""
    if isinstance(key, str):
        return key
    if isinstance(key, (bool, type(None), int, float)):
        return str(_SCALAR(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


__all__ = ["Records", "dumps", "plain_default", "records_text"]
