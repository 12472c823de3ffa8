"""Report tables written by the core (``records_text``) are json.dumps of their rows."""

from __future__ import annotations

import json
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastmcnemar import _core
from fastmcnemar.render._format import plain_rows
from fastmcnemar.render._json_text import Records, dumps, plain_default, records_text

FLOATS = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True)
TEXT = st.text(max_size=10) | st.sampled_from(["}, {", '"}', "\\", "\x7f", "é€😀", "\n\t\x00"])
INTEGERS = {
    pl.Int8: st.integers(-(2**7), 2**7 - 1),
    pl.Int16: st.integers(-(2**15), 2**15 - 1),
    pl.Int32: st.integers(-(2**31), 2**31 - 1),
    pl.Int64: st.integers(-(2**63), 2**63 - 1),
    pl.UInt8: st.integers(0, 2**8 - 1),
    pl.UInt32: st.integers(0, 2**32 - 1),
    pl.UInt64: st.integers(0, 2**64 - 1),
}


@st.composite
def frames(draw: st.DrawFn) -> pl.DataFrame:
    rows = draw(st.integers(1, 6))
    columns: dict[str, pl.Series] = {}
    for i in range(draw(st.integers(1, 5))):
        name = draw(st.text(max_size=5)) + f"#{i}"
        kind = draw(st.sampled_from(["text", "float", "float32", "int", "bool", "null"]))
        cells = (
            st.none()
            | {
                "text": TEXT,
                "float": FLOATS,
                "float32": st.floats(width=32),
                "bool": st.booleans(),
                "int": st.nothing(),
                "null": st.nothing(),
            }[kind]
        )
        if kind == "int":
            dtype = draw(st.sampled_from(list(INTEGERS)))
            cells = st.none() | INTEGERS[dtype]
        else:
            dtype = {
                "text": pl.String,
                "float": pl.Float64,
                "float32": pl.Float32,
                "bool": pl.Boolean,
                "null": pl.Null,
            }[kind]
        values = draw(st.lists(cells, min_size=rows, max_size=rows))
        columns[name] = pl.Series(name, values, dtype=dtype)
    return pl.DataFrame(columns)


@settings(max_examples=300)
@given(frames(), st.integers(0, 4), st.integers(0, 3))
def test_tables_are_json_dumps_of_their_rows(frame: pl.DataFrame, indent: int, level: int) -> None:
    rows = plain_rows(frame)
    want = dumps(rows, indent, level)
    assert dumps(Records(frame), indent, level) == want
    assert json.dumps(Records(frame), default=plain_default) == json.dumps(rows)
    if level == 0:
        assert want == json.dumps(rows, indent=indent, allow_nan=False)


@settings(max_examples=500)
@given(st.lists(FLOATS, min_size=1, max_size=20))
def test_every_double_is_written_as_python_repr(values: list[float]) -> None:
    frame = pl.DataFrame({"x": pl.Series(values, dtype=pl.Float64)})
    text = records_text(frame, 0, 0)
    assert text is not None
    written = [line.split(": ", 1)[1] for line in text.splitlines() if line.startswith('"x"')]
    assert written == [repr(v) if math.isfinite(v) else "null" for v in values]


def test_awkward_doubles() -> None:
    values = [
        -0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1e16, 9999999999999998.0,
        1e-4, 9.999999999999999e-05, 0.1 + 0.2, 2.0**53, 2.0**53 + 2, 123456789012345.6, -1e-300,
    ]  # fmt: skip
    frame = pl.DataFrame({"x": values})
    text = records_text(frame, 2, 0)
    assert text == json.dumps([{"x": v} for v in values], indent=2)


def test_half_way_ties_take_the_even_digit_as_python_does() -> None:
    """Doubles half-way between two shortest strings (2^49 + 0.25: ...312.2 or .3)."""
    values = [2.0**k + j / 2**m for k in range(40, 54) for m in range(1, 6) for j in range(1, 8)]
    values += [-v for v in values] + [v / 2**60 for v in values] + [v * 2**70 for v in values]
    frame = pl.DataFrame({"x": values})
    text = records_text(frame, 0, 0)
    assert text == json.dumps([{"x": v} for v in values], indent=0)


def test_a_table_the_core_does_not_write_falls_back_to_python() -> None:
    frame = pl.DataFrame({"l": [[1.0], [math.nan]], "t": ["a", "b"]})
    assert records_text(frame, 2, 0) is None
    rows = plain_rows(frame)
    assert dumps(Records(frame), 2) == json.dumps(rows, indent=2)
    big = pl.DataFrame({"u": pl.Series([2**64 - 1], dtype=pl.UInt64)})
    assert records_text(big, 2, 0) is None
    assert dumps(Records(big), 2) == json.dumps([{"u": 2**64 - 1}], indent=2)
    empty = pl.DataFrame({"t": pl.Series([], dtype=pl.String)})
    assert dumps(Records(empty), 2) == "[]"


def test_sliced_and_chunked_columns_are_read_from_their_offset() -> None:
    frame = pl.concat(
        [
            pl.DataFrame({"t": ["a", None, "c"], "n": [1, None, 3]}),
            pl.DataFrame({"t": ["d"], "n": [4]}),
        ],
        rechunk=False,
    ).slice(1, 3)
    assert dumps(Records(frame), 2) == json.dumps(plain_rows(frame), indent=2)


def test_a_column_name_holding_a_nul_is_written() -> None:
    """Polars' Arrow export aborts on such a name: text crosses to Rust unnamed."""
    frame = pl.DataFrame({"a\x00b": ["x", None], "n\x00": [1.5, 2.0]})
    assert dumps(Records(frame), 2) == json.dumps(plain_rows(frame), indent=2)
    codes = _core.records_json(
        ["k"], [("text", frame.get_column("a\x00b"), None)], ("{", ", ", ": ", "}, {", "}")
    )
    assert codes == '[{"k": "x"}, {"k": null}]'


def test_bad_arguments_are_named() -> None:
    layout = ("{", ", ", ": ", "}, {", "}")
    with pytest.raises(ValueError, match="2 keys for 1 columns"):
        _core.records_json(["a", "b"], [("null", 1, None)], layout)
    with pytest.raises(ValueError, match='column "b" has 2 rows, the first one 1'):
        _core.records_json(["a", "b"], [("null", 1, None), ("float", np.zeros(2), None)], layout)
    with pytest.raises(ValueError, match="unknown column kind"):
        _core.records_json(["a"], [("date", 1, None)], layout)
    text = _core.records_json(["a"], [("int", np.array([1, 2]), np.array([True, False]))], layout)
    assert text == '[{"a": 1}, {"a": null}]'
