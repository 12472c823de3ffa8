"""The Rust key scanner behind read_lm_eval, against json.loads as the oracle.

``read_keys`` takes the fast path (``_core.scan_jsonl``); ``_read_keys_slowly``
parses every line with ``json.loads``. On any file of compatible values the two
must give the same frame, whatever the line shapes and wherever the scanner's
segments (4 MB) and read buffers (1 MB) cut the file.
"""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fastmcnemar.ingest.jsonl as jsonl_module
from fastmcnemar import InputFormatError, read_lm_eval
from fastmcnemar.ingest.jsonl import _read_keys_slowly, read_keys

SCHEMA: dict[str, pl.DataType] = {"id": pl.Utf8(), "name": pl.Utf8(), "score": pl.Float64()}

texts = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]),  # lone surrogates cannot be UTF-8
    max_size=30,
)
noise = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
records = st.fixed_dictionaries(
    {},
    optional={
        "id": st.integers(-(2**53) + 1, 2**53 - 1) | texts | st.none(),
        "name": texts | st.none(),
        "score": st.floats(allow_nan=False) | st.integers(-(10**6), 10**6) | st.booleans(),
        "doc": noise,
        "prompt": texts,
    },
)


def _write(path: Path, lines: list[dict[str, Any]], ascii_only: bool) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for record in lines:
            fh.write(json.dumps(record, ensure_ascii=ascii_only) + "\n")


def _fast_only(path: Path) -> pl.DataFrame:
    """read_keys with its line-by-line fallback disabled (the oracle must not test itself)."""

    def refuse(*_: Any) -> pl.DataFrame:
        raise AssertionError("the scanner fell back to the json reader")

    jsonl_module._read_keys_slowly = refuse  # type: ignore[assignment]
    try:
        return read_keys(path, SCHEMA)
    finally:
        jsonl_module._read_keys_slowly = _read_keys_slowly


def _assert_same(fast: pl.DataFrame, slow: pl.DataFrame) -> None:
    assert fast.columns == slow.columns
    assert fast.height == slow.height
    for name in fast.columns:
        a, b = fast.get_column(name).to_list(), slow.get_column(name).to_list()
        for x, y in zip(a, b, strict=True):
            if isinstance(x, float) and isinstance(y, float):
                assert x == y or (math.isnan(x) and math.isnan(y)), (name, x, y)
            else:
                assert x == y, (name, x, y)


# A key written again with a value its column accepts (a text where a score belongs
# is refused by both readers, so not a comparison).
repeats = st.lists(
    st.tuples(st.sampled_from(["id", "name"]), st.none() | st.integers(0, 9) | texts)
    | st.tuples(st.just("score"), st.none() | st.integers(0, 9) | st.booleans()),
    max_size=2,
)


@given(
    lines=st.lists(st.tuples(records, repeats), min_size=1, max_size=40),
    ascii_only=st.booleans(),
)
def test_scanner_equals_json_loads(
    tmp_path_factory: Any,
    lines: list[tuple[dict[str, Any], list[tuple[str, Any]]]],
    ascii_only: bool,
) -> None:
    path = tmp_path_factory.mktemp("scan") / "samples.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for record, again in lines:
            # Keys written a second time at the end of the line: the last one counts.
            text = json.dumps(record, ensure_ascii=ascii_only)
            tail = "".join(
                f", {json.dumps(k)}: {json.dumps(v, ensure_ascii=ascii_only)}" for k, v in again
            )
            if tail:
                text = text[:-1] + tail + "}" if record else "{" + tail[2:] + "}"
            fh.write(text + "\n")
    slow = _read_keys_slowly(path, SCHEMA)
    fast = _fast_only(path)
    # json.loads gives ints for integer ids; the scanner gives their text too.
    _assert_same(fast, slow)


def test_many_segments_and_a_broken_line_far_in(tmp_path: Path) -> None:
    # ~10 MB: several scanner segments, each read through several buffers.
    filler = "word " * 400
    lines = [{"prompt": filler, "id": i, "name": f"n{i}", "score": i % 2} for i in range(5000)]
    path = tmp_path / "big.jsonl"
    _write(path, lines, ascii_only=True)
    fast = _fast_only(path)
    _assert_same(fast, _read_keys_slowly(path, SCHEMA))
    assert fast.get_column("id").to_list()[4321] == "4321"
    broken = path.read_text().splitlines()
    broken[4321] = broken[4321][:-40]  # cut inside the prompt string
    path.write_text("\n".join(broken) + "\n")
    with pytest.raises(InputFormatError, match=r"big\.jsonl: line 4322: not valid JSON"):
        read_keys(path, SCHEMA)


def test_error_in_a_later_file_names_that_file(lm_eval_writer: Any, task_spec: Any) -> None:
    # Files are read two at a time; the error must still name the right one.
    tasks = [task_spec(f"t{i}", {"none": {"acc": [1, 0, 1]}}) for i in range(4)]
    model_dir = lm_eval_writer.run("m", tasks)
    bad = sorted(model_dir.glob("samples_t2_*.jsonl"))[0]
    text = bad.read_text().splitlines()
    text[1] = text[1][:-3]
    bad.write_text("\n".join(text) + "\n")
    with pytest.raises(InputFormatError, match=rf"{bad.name}: line 2: not valid JSON"):
        read_lm_eval(model_dir)
    good = read_lm_eval(model_dir, tasks=["t0", "t1", "t3"])
    assert sorted(set(good.get_column("task").to_list())) == ["t0", "t1", "t3"]


def test_byte_order_mark_is_skipped(lm_eval_writer: Any, task_spec: Any) -> None:
    model_dir = lm_eval_writer.run("m", [task_spec("t", {"none": {"acc": [1, 0, 1]}})])
    path = next(model_dir.glob("samples_*.jsonl"))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    frame = read_lm_eval(model_dir)
    assert sorted(frame.get_column("score").to_list()) == [0.0, 1.0, 1.0]


def test_an_error_does_not_wait_for_the_remaining_files(
    lm_eval_writer: Any, task_spec: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fastmcnemar.ingest.lm_eval as lm_eval_module

    tasks = [task_spec(f"t{i:02d}", {"none": {"acc": [1, 0, 1]}}) for i in range(12)]
    model_dir = lm_eval_writer.run("m", tasks)
    bad = sorted(model_dir.glob("samples_t00_*.jsonl"))[0]
    bad.write_text("{broken\n")
    read: list[str] = []
    original = lm_eval_module._read_file

    def counting(sample: Any, metrics: Any, line_starts: bool = False, ends: Any = None) -> Any:
        read.append(sample.task)
        return original(sample, metrics, line_starts, ends)

    monkeypatch.setattr(lm_eval_module, "_read_file", counting)
    with pytest.raises(InputFormatError, match="samples_t00"):
        read_lm_eval(model_dir)
    # Two files are in flight at a time; the rest are cancelled, not read.
    assert len(read) < len(tasks)


@pytest.mark.parametrize(
    ("line", "column", "what"),
    [
        ('{"id": "1", "acc": [1, 2}', 25, "mismatched '}'"),
        ('{"id": "1" "acc": 1}', 12, "expected ',' or '}'"),
        ('{"id": "1", "acc": 1} tail', 23, "text after the object"),
        ('{"id": "1", "score": wat}', 22, "bad value"),
    ],
)
def test_a_broken_line_is_named_by_line_and_column(
    tmp_path: Path, line: str, column: int, what: str
) -> None:
    # The column comes from the core's typed error, counted in bytes from 1.
    path = tmp_path / "broken.jsonl"
    path.write_text('{"id": "0", "acc": 1}\n' + line + "\n", encoding="utf-8")
    pattern = rf"broken\.jsonl: line 2: not valid JSON \(column {column}: {what}"
    with pytest.raises(InputFormatError, match=pattern):
        read_keys(path, SCHEMA)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"id": "a", "id": null}', None),
        ('{"id": 7, "id": null}', None),
        ('{"id": null, "id": "b"}', "b"),
        ('{"id": "a", "id": 8}', "8"),
    ],
)
def test_a_repeated_key_reads_as_its_last_value(
    tmp_path: Path, line: str, expected: str | None
) -> None:
    # As json.loads reads the line: the last occurrence counts, null included.
    path = tmp_path / "repeated.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    frame = read_keys(path, SCHEMA)
    assert frame.get_column("id").to_list() == [expected]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_by_the_scanner_without_waiting(tmp_path: Path) -> None:
    # The core opens the file without blocking and refuses what is not regular.
    fifo = tmp_path / "samples.jsonl"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(InputFormatError, match=r"samples\.jsonl: a FIFO \(named pipe\), not a"):
        read_keys(fifo, SCHEMA)
    assert time.monotonic() - started < 5
