"""The first and last records of a file as the Rust outline gives them, against
``first_record`` / ``last_record`` (``json.loads`` of the whole line) as the oracle.

An audit learns each candidate file's layout from ``outlines``: the skipped keys'
values come back as None, everything else must be exactly what ``json.loads`` of the
line gives, whatever the records, blank lines, byte-order mark or line lengths.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastmcnemar import InputFormatError
from fastmcnemar.ingest.jsonl import (
    first_record,
    line_of_record,
    outlines,
    read_keys,
    records_at,
    records_where,
)
from fastmcnemar.ingest.lm_eval_keys import LAYOUT_SKIP

SKIP = {"doc", "arguments"}

texts = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
records = st.dictionaries(st.sampled_from(["doc", "arguments", "acc", "filter"]) | texts, values)
blank_lines = st.lists(st.sampled_from(["", " ", "\t", "\r", "\x0b", "\x0c "]), max_size=2)


def last_record(path: Path) -> dict[str, Any] | None:
    """The last non-blank line parsed by json.loads, None when it is not an object."""
    lines = [line for line in path.read_bytes().split(b"\n") if line and not line.isspace()]
    try:
        record = json.loads(lines[-1].removeprefix(b"\xef\xbb\xbf")) if lines else None
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _oracle(record: dict[str, Any] | None, skip: set[str]) -> dict[str, Any] | None:
    if record is None:
        return None
    return {key: None if key in skip else value for key, value in record.items()}


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(st.tuples(blank_lines, records), min_size=1, max_size=6),
    trailing=blank_lines,
    bom=st.booleans(),
    ascii_only=st.booleans(),
)
def test_outline_equals_json_loads_with_skipped_values_as_none(
    tmp_path_factory: pytest.TempPathFactory,
    lines: list[tuple[list[str], dict[str, Any]]],
    trailing: list[str],
    bom: bool,
    ascii_only: bool,
) -> None:
    path = tmp_path_factory.mktemp("outline") / "samples.jsonl"
    text = "".join(
        "".join(b + "\n" for b in blanks) + json.dumps(record, ensure_ascii=ascii_only) + "\n"
        for blanks, record in lines
    ) + "".join(b + "\n" for b in trailing)
    # A mark then a newline is a blank line 1 to the scanner, a broken one to json.loads.
    bom = bom and not lines[0][0]
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    [(first, last)] = outlines([path], SKIP)
    assert first == _oracle(first_record(path), SKIP)
    assert last == _oracle(last_record(path), SKIP)


def test_real_lm_eval_files_outline_as_json_loads_reads_them(shared_dir: Path) -> None:
    paths = sorted((shared_dir / "realdata").rglob("samples_*.jsonl"))
    assert paths, "the real lm-eval files are missing"
    found = outlines(paths, LAYOUT_SKIP)
    for path, (first, last) in zip(paths, found, strict=True):
        assert first == _oracle(first_record(path), set(LAYOUT_SKIP)), path
        assert last == _oracle(last_record(path), set(LAYOUT_SKIP)), path
        assert first["doc"] is None, path


def test_prompt_text_is_not_parsed_but_its_structure_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "samples.jsonl"
    path.write_text('{"doc_id": 0, "doc": {"q": [1}, "acc": 1}\n{"doc_id": 1, "acc": 0}\n')
    pattern = r"samples\.jsonl: line 1: not valid JSON \(column 30: mismatched '}'"
    with pytest.raises(InputFormatError, match=pattern):
        outlines([path], SKIP)


def test_a_kept_value_is_checked_in_full(tmp_path: Path) -> None:
    # The scanner walks a bare token without judging it; json.loads then refuses it.
    path = tmp_path / "samples.jsonl"
    path.write_text('{"doc_id": 0, "acc": 01}\n')
    with pytest.raises(InputFormatError, match=r"samples\.jsonl: line 1: not valid JSON"):
        outlines([path], SKIP)


def test_the_first_broken_file_is_named_by_line(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text('{"acc": 1}\n')
    bad = tmp_path / "bad.jsonl"
    bad.write_text('\n\n{"acc": 1')
    with pytest.raises(InputFormatError, match=r"bad\.jsonl: line 3: not valid JSON \(column 10"):
        outlines([good, bad, good], SKIP)


def test_a_broken_or_missing_last_line_is_none(tmp_path: Path) -> None:
    path = tmp_path / "samples.jsonl"
    path.write_text('{"acc": 1}\n{"acc": 0')
    assert outlines([path], SKIP) == [({"acc": 1}, None)]
    path.write_text('{"acc": 1}\n{"acc": 0x}\n')
    assert outlines([path], SKIP) == [({"acc": 1}, None)]
    path.write_text('{"acc": 1}\n[0]\n')
    assert outlines([path], SKIP) == [({"acc": 1}, None)]


@pytest.mark.parametrize("content", ["", "\n \n\t\n"])
def test_an_empty_file_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "samples.jsonl"
    path.write_text(content)
    with pytest.raises(InputFormatError, match=r"samples\.jsonl: no samples \(the file is empty\)"):
        outlines([path], SKIP)


def test_missing_file_and_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match=r"absent\.jsonl: cannot read"):
        outlines([tmp_path / "absent.jsonl"], SKIP)
    with pytest.raises(InputFormatError, match="a directory, not a regular file; not read"):
        outlines([tmp_path], SKIP)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "samples.jsonl"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(InputFormatError, match=r"a FIFO \(named pipe\), not a regular file"):
        outlines([fifo], SKIP)
    assert time.monotonic() - started < 5


@settings(max_examples=100, deadline=None)
@given(
    lines=st.lists(st.tuples(blank_lines, records), min_size=1, max_size=8),
    picks=st.sets(st.integers(0, 9), max_size=5),
    newline_at_end=st.booleans(),
)
def test_records_at_rows_equal_json_loads_of_those_lines(
    tmp_path_factory: pytest.TempPathFactory,
    lines: list[tuple[list[str], dict[str, Any]]],
    picks: set[int],
    newline_at_end: bool,
) -> None:
    path = tmp_path_factory.mktemp("rows") / "samples.jsonl"
    text = "\n".join(
        "".join(b + "\n" for b in blanks) + json.dumps(record) for blanks, record in lines
    )
    path.write_text(text + ("\n" if newline_at_end else ""), encoding="utf-8")
    # The oracle: number the non-blank lines by hand, parse the picked ones in full.
    numbered = [
        (number, line)
        for number, line in enumerate(text.split("\n"), start=1)
        if line and not line.isspace()
    ]
    wanted = sorted(p for p in picks if p < len(numbered))
    expected = [_oracle(json.loads(numbered[p][1]), SKIP) for p in wanted]
    assert records_at(path, picks, skip=SKIP) == expected
    for p in wanted:
        assert line_of_record(path, p) == numbered[p][0]


def test_records_at_a_broken_wanted_line_names_it(tmp_path: Path) -> None:
    path = tmp_path / "samples.jsonl"
    path.write_text('{"a": 0}\n\n{"a": [1}\n{"a": 2}\n')
    assert records_at(path, {0, 2}) == [{"a": 0}, {"a": 2}]
    with pytest.raises(
        InputFormatError, match=r"samples\.jsonl: line 3: not valid JSON \(column 9"
    ):
        records_at(path, {1})


doc_ids = (
    st.integers(-(2**60), 2**60)
    | st.integers(0, 50).map(float)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts
    | st.none()
)


@settings(max_examples=150, deadline=None)
@given(
    ids=st.lists(st.tuples(doc_ids, st.sampled_from(range(4)), doc_ids), min_size=1, max_size=10),
    picks=st.lists(st.integers(0, 9), max_size=4),
)
def test_records_where_picks_the_lines_whose_id_reads_as_a_wanted_text(
    tmp_path_factory: pytest.TempPathFactory, ids: list[tuple[Any, int, Any]], picks: list[int]
) -> None:
    path = tmp_path_factory.mktemp("where") / "samples.jsonl"
    lines = []
    for n, (i, shape, other) in enumerate(ids):
        record: dict[str, Any] = {"doc_id": i, "doc": {"q": str(i)}, "n": n}
        if shape == 1:  # the key's name as a nested key: the walk must not stop at it
            record["doc"] = {"doc_id": other, "q": "x"}
        if shape == 2:  # the key's name quoted inside a string
            record["doc"] = f'"doc_id": {other}'
        line = json.dumps(record)
        if shape == 3:  # the key repeated at the top level: the last one counts
            line = line[:-1] + ', "doc_id": ' + json.dumps(other) + "}"
        lines.append(line)
    lines.insert(len(lines) // 2, '{"n": -1}')  # a line without the key
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    # The oracle: the scanner's text column (how a score frame holds doc ids) beside
    # json.loads of every line.
    column = read_keys(path, {"doc_id": pl.Utf8()}).get_column("doc_id").to_list()
    wanted = {column[p] for p in picks if p < len(column) and column[p] is not None}
    expected = [
        (text, _oracle(json.loads(line), {"doc"}))
        for text, line in zip(column, lines, strict=True)
        if text in wanted
    ]
    assert records_where(path, "doc_id", wanted, skip={"doc"}) == expected
