"""The Rust JSON-lines scanner on arbitrary bytes, against ``json.loads``.

Random bytes, JSON-ish token soup and mutated valid lines go to
``_core.scan_jsonl`` (key ``a``, as a number column). Line by line, ``json.loads``
is the oracle:
- when every non-blank line is a JSON object, the scanner accepts the file, with
  one row per such line and the kind and value of ``a`` that ``json.loads`` sees;
- when the scanner refuses, it raises ``InputFormatError`` naming a line that
  ``json.loads`` refuses too (or that is not an object), never a panic, a hang or
  another class.

Known leniency, by design (the scanner skips what it does not need, which is
what makes it fast): bytes inside values it skips (a nested object, a string
not read as text) are not validated, so a line with invalid UTF-8, a bad escape
or a stray byte there is accepted where ``json.loads`` refuses it (about 1.5% of
these examples; counted by ``--hypothesis-show-statistics``). The wanted values
themselves are always checked.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fastmcnemar import InputFormatError, _core

MISSING, NULL, NUMBER, BOOL, STRING, ARRAY, OBJECT = range(7)

TOKENS = [
    b"{", b"}", b"[", b"]", b'"a"', b'"b"', b":", b",", b" ", b"\t", b"\n", b"\r\n",
    b"0", b"1", b"-", b".", b"e", b"E", b"+", b"12.5e-3", b"true", b"false", b"null",
    b"NaN", b"Infinity", b'"', b"\\", b'\\"', b"\\u00e9", b"\\ud800", b"\xc3\xa9", b"\xff",
    b"\x00", b"\xef\xbb\xbf", b'"text"', b"tru", b"nul", b"01", b"1.", b".5",
]  # fmt: skip

VALID = [
    b'{"a": 1}', b'{"a": -2.5e3, "b": [1, {"c": "}"}]}', b'{"b": "x", "a": "s"}',
    b'{"a": true}', b'{"a": null}', b'{"a": [1, 2]}', b'{"a": {"a": 3}}', b'{}',
    b'{"a": NaN}', b'{"a": -Infinity}', b'{"a": "\\u00e9\\"}"}', b'  {"a" : 0 }  ',
]  # fmt: skip

soup = st.lists(st.sampled_from(TOKENS), max_size=40).map(b"".join)
mutated = st.tuples(
    st.lists(st.sampled_from(VALID), min_size=1, max_size=6).map(b"\n".join),
    st.integers(0, 200),
    st.binary(max_size=3),
).map(lambda t: t[0][: t[1] % (len(t[0]) + 1)] + t[2] + t[0][t[1] % (len(t[0]) + 1) :])
files = st.one_of(
    st.binary(max_size=200), soup, mutated, st.lists(st.sampled_from(VALID)).map(b"\n".join)
)


def _oracle(line: bytes) -> dict[str, Any] | None:
    """The object ``json.loads`` reads from a line, or None when it refuses."""
    try:
        value = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _kind(value: Any, present: bool) -> int:
    if not present:
        return MISSING
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, str):
        return STRING
    return ARRAY if isinstance(value, list) else OBJECT


def _lines(data: bytes) -> list[bytes]:
    """Lines as the scanner numbers them: split at \\n, a leading BOM dropped."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=300)
@given(data=files)
def test_scanner_agrees_with_json_loads_on_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(data)
    lines = _lines(data)
    parsed = [None if not line.strip(b" \t\r") else _oracle(line) for line in lines]
    blank = [not line.strip(b" \t\r") for line in lines]
    try:
        rows, columns, _ = _core.scan_jsonl(path, ["a"], [False])
    except InputFormatError as err:
        message = str(err)
        assert message.startswith(f"{path}: line "), message
        number = int(message.split(": line ")[1].split(":")[0])
        assert 1 <= number <= len(lines), message
        assert not blank[number - 1], (message, lines[number - 1])
        assert parsed[number - 1] is None, (message, lines[number - 1])
        event("refused")
        return
    # Accepted: every line json.loads reads as an object is a row, with its value of a.
    objects = [(i, p) for i, p in enumerate(parsed) if p is not None and not blank[i]]
    if not all(blank[i] or parsed[i] is not None for i in range(len(lines))):
        event("accepted lines json.loads refuses")
        return
    event("accepted, all valid")
    assert rows == len(objects)
    kinds, column = columns[0]
    values = _to_list(column)
    for row, (_, obj) in enumerate(objects):
        assert kinds[row] == _kind(obj.get("a"), "a" in obj), (lines, row)
        if kinds[row] == NUMBER:
            want, got = float(obj["a"]), values[row]
            assert (math.isnan(want) and math.isnan(got)) or got == want, (lines, row)
        elif kinds[row] == BOOL:
            assert values[row] == float(obj["a"])


def _to_list(column: Any) -> list[Any]:
    import polars as pl

    return pl.Series(column).to_list()
