"""The fast path for Inspect ``.json`` logs: a Rust walker finds each sample's
``id``, ``epoch`` and ``scores`` so only those and the rest of the document are
parsed. It must give what ``json.load`` gives, and fall back to it otherwise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inspect_mock import InspectRuns

import fastmcnemar.ingest.inspect_logs as inspect_logs
from fastmcnemar import InputFormatError, _core, read_inspect

POPULARITY = "realdata/inspect-json-log/2025-05-12T20-28-13-04-00_popularity.json"
FIELDS = ("id", "epoch", "scores")

texts = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)
junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=10,
)
samples = st.lists(
    st.dictionaries(st.sampled_from([*FIELDS, "input", "messages", "output"]), junk, max_size=6),
    max_size=6,
)


def _expected(document: dict[str, Any]) -> Any:
    """What the walker path must return: the document, samples cut to FIELDS."""
    cut = dict(document)
    if isinstance(cut.get("samples"), list):
        cut["samples"] = [{k: v for k, v in s.items() if k in FIELDS} for s in cut["samples"]]
    return cut


def _without_walker(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any) -> Any:
        raise InputFormatError("walker disabled for this test")

    monkeypatch.setattr(_core, "json_array_fields", refuse)


@given(
    before=st.dictionaries(texts, junk, max_size=3),
    items=samples,
    after=st.dictionaries(texts, junk, max_size=3),
    indent=st.sampled_from([None, 2]),
)
def test_walker_equals_json_load(
    tmp_path_factory: pytest.TempPathFactory,
    before: dict[str, Any],
    items: list[dict[str, Any]],
    after: dict[str, Any],
    indent: int | None,
) -> None:
    document = {**before, "eval": {"task": "t"}, "samples": items, **after}
    path = tmp_path_factory.mktemp("walk") / "log.json"
    path.write_text(json.dumps(document, indent=indent, ensure_ascii=False), encoding="utf-8")
    # The walker must have been used: a refusal would be a silent fallback.
    array, _ = _core.json_array_fields(path.read_bytes(), "samples", list(FIELDS))
    assert (array is None) == ("samples" not in json.loads(path.read_bytes()))
    assert inspect_logs._load_json_log(path) == _expected(json.loads(path.read_bytes()))


def test_real_log_reads_the_same_either_way(
    shared_dir: Path, inspect_runs: InspectRuns, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [shared_dir / POPULARITY, inspect_runs.candidate_json]
    fast = [read_inspect(p) for p in paths]
    _without_walker(monkeypatch)
    slow = [read_inspect(p) for p in paths]
    for a, b in zip(fast, slow, strict=True):
        assert a.equals(b)


def test_broken_json_is_still_named_by_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"eval": {"task": "t"}, "status": "success", "samples": [{"id": 1, ')
    with pytest.raises(InputFormatError, match=r"broken\.json: not valid JSON"):
        read_inspect(path)
    bom = tmp_path / "bom.json"
    document = {"eval": {"task": "t", "model": "m"}, "samples": [
        {"id": 1, "epoch": 1, "scores": {"match": {"value": "C"}}}
    ]}  # fmt: skip
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps(document).encode())
    assert read_inspect(bom)["score"].to_list() == [1.0]
