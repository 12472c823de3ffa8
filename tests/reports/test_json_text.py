"""The fast indented JSON writer gives json.dumps's text, byte for byte."""

from __future__ import annotations

import enum
import functools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fastmcnemar as fm
from fastmcnemar.cli import main
from fastmcnemar.data import example_path
from fastmcnemar.render._format import plain, plain_rows
from fastmcnemar.render._json_text import dumps
from fastmcnemar.render.json import audit_dict, audit_json_chunks

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
KEYS = st.text(max_size=6) | st.integers(-5, 5) | st.booleans() | st.none() | st.floats(-2, 2)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(KEYS, inner, max_size=5)
    ),
    max_leaves=30,
)


@given(VALUES, st.integers(min_value=0, max_value=4))
def test_equals_json_dumps(value: Any, indent: int) -> None:
    assert dumps(value, indent) == json.dumps(value, indent=indent, allow_nan=False)


# Strings that look like the record boundaries the records path re-indents.
TRICKY = st.sampled_from(["},\n  {", "}, {", "{", "}", "[{", "}]", '"}', "\n"])
TRICKY = TRICKY | st.text(max_size=8)
RECORDS = st.lists(
    st.dictionaries(KEYS, SCALARS | TRICKY, min_size=1, max_size=4), min_size=1, max_size=6
)


@given(RECORDS, st.integers(min_value=0, max_value=4), st.integers(min_value=0, max_value=3))
def test_an_array_of_flat_records_equals_json_dumps(
    records: list[dict[Any, Any]], indent: int, depth: int
) -> None:
    """The one-call records path, alone and nested inside other containers."""
    value: Any = records
    for _ in range(depth):
        value = {"flips": value, "n": 1}
    assert dumps(value, indent) == json.dumps(value, indent=indent, allow_nan=False)


def test_a_report_shaped_document() -> None:
    doc = {
        "reference": "ref \u00e9",
        "failed": {},
        "rows": [
            {"task": f"t{i}", "p": i / 7, "n": i, "ok": i % 2 == 0, "x": None} for i in range(3)
        ],
        "nested": {"a": [[], {}, [1, [2, {"b": 'c\n"d"'}]]]},
    }
    assert dumps(doc, 2) == json.dumps(doc, indent=2, allow_nan=False)


@pytest.mark.parametrize("bad", [math.nan, {"a": [math.inf]}, {math.nan: 1}])
def test_refuses_what_json_refuses(bad: Any) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        json.dumps(bad, indent=2, allow_nan=False)
    with pytest.raises(ValueError, match="not JSON compliant"):
        dumps(bad, 2)


@pytest.mark.parametrize("indent", [None, 0, 2, 4])
def test_audit_pieces_join_to_the_whole_document(indent: int | None) -> None:
    """An audit's JSON written one comparison at a time is json.dumps of the whole."""
    audit = fm.audit(example_path("reference"), [example_path("degraded"), example_path("rerun")])
    whole = audit_dict(audit)
    assert whole["summary"] == [plain(r) for r in audit.summary.iter_rows(named=True)]
    pieces = list(audit_json_chunks(audit, indent=indent))
    assert len(pieces) == 2 + len(audit.comparisons)
    assert "".join(pieces) == json.dumps(whole, indent=indent, allow_nan=False)
    assert audit.to_json(indent=indent) == "".join(pieces)


def test_cli_writes_the_audit_json_in_pieces(tmp_path: Path) -> None:
    out = tmp_path / "audit.json"
    runs = [str(example_path(n)) for n in ("reference", "degraded", "rerun")]
    assert main(["audit", *runs, "--format", "json", "-o", str(out)]) in (0, 1)
    audit = fm.audit(runs[0], runs[1:])
    assert out.read_text(encoding="utf-8") == audit.to_json() + "\n"


def test_plain_rows_equal_plain_per_row() -> None:
    """The one-conversion path gives what plain() gives row by row, NaN and inf as null."""
    frame = pl.DataFrame(
        {
            "task": ["a", None, "c"],
            "score": [0.5, math.nan, -math.inf],
            "n": [1, 2, None],
            "ok": [True, None, False],
            "x": pl.Series([None, None, None], dtype=pl.Null),
        }
    )
    expected = [plain(r) for r in frame.iter_rows(named=True)]
    assert plain_rows(frame) == expected
    assert [r["score"] for r in expected] == [0.5, None, None]
    nested = frame.with_columns(pl.Series("l", [[1.0], [math.nan], []]))
    assert plain_rows(nested) == [plain(r) for r in nested.iter_rows(named=True)]


class _Level(enum.IntEnum):
    LOW = 1


class _Name(str):
    pass


@pytest.mark.parametrize(
    "value",
    [
        {"\ud800": "lone \udfff surrogates", "k": ["\ud83d"]},  # the core cannot read these
        {"big": 2**64, "small": -(2**63), "edge": 2**63 - 1, "past": 2**63},
        {"enum": _Level.LOW, "sub": _Name("x"), _Name("key"): 1.5, "float": np.float64(0.1)},
        {2: "a", None: "b", True: [], 2.5: {}},  # keys json converts
        {"deep": functools.reduce(lambda inner, _: [inner, {"a": inner}], range(8), [1])},
        {"deeper": functools.reduce(lambda inner, _: [inner], range(260), {"x": 1.0})},
        ({"t": (1, "2", None)}, [], {}, [[]], [{}]),
    ],
)
def test_the_core_and_python_writers_join_to_json_dumps(value: Any) -> None:
    """What the core writes and what it hands back to Python (keys it does not take, text
    it cannot read, subclasses, big integers, nesting past its depth) join seamlessly."""
    for indent in (0, 1, 2, 4):
        assert dumps(value, indent) == json.dumps(value, indent=indent, allow_nan=False)


def test_refuses_what_json_cannot_encode() -> None:
    for bad in ({"a": {1, 2}}, [object()]):
        with pytest.raises(TypeError, match="not JSON serializable"):
            json.dumps(bad, indent=2)
        with pytest.raises(TypeError, match="not JSON serializable"):
            dumps(bad, 2)
