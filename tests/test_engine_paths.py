"""The fast paths of the engine give the general path's answers, and hand every hostile
input to it so that errors and warnings stay exactly what they were."""

from __future__ import annotations

import itertools
import json
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

import fastmcnemar as fm
from fastmcnemar import _core
from fastmcnemar.compare import candidate_read, columnar, engine
from fastmcnemar.compare.loading import load_run
from fastmcnemar.compare.task_stats import TaskStats
from fastmcnemar.data import example_path


def _general(index: engine.ReferenceIndex, run: Path, label: str) -> TaskStats:
    """The candidate read into a full score frame (no lean reader)."""
    return engine.candidate_stats(index, load_run(run, side=f"candidate {label}"), label=label)


def _same(a: TaskStats, b: TaskStats) -> None:
    assert a.rows.equals(b.rows)
    assert a.skipped.equals(b.skipped)
    assert a.metadata == b.metadata
    # The aligned pass orders its flips by arrays (flips_from_pairs), the general
    # path by a frame sort (find_flips): the same rule, written twice.
    assert a.flips.equals(b.flips)


@pytest.mark.parametrize("name", ["degraded", "rerun"])
def test_lean_reader_equals_the_general_reader(name: str) -> None:
    index = engine.index_reference(example_path("reference"))
    lean = engine.candidate_stats(index, example_path(name), label=name)
    assert lean.rows.filter(pl.col("kind") == "continuous").height == 1
    _same(lean, _general(index, example_path(name), name))


def test_lean_reader_pairs_through_the_scanner(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every chosen file goes through scan_chosen (no fallback), its hash checks
    count every pair, and the answer is the general reader's."""
    seen: list[object] = []
    scan = _core.scan_chosen  # what candidate_read calls

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(scan(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(candidate_read, "scan_chosen", spy)
    index = engine.index_reference(example_path("reference"))
    lean = engine.candidate_stats(index, example_path("degraded"), label="d")
    assert len(seen) == 1  # one call for the whole run
    assert isinstance(seen[0], tuple)
    assert len(seen[0][2]) == lean.rows.height  # lines per file
    checked = lean.metadata["d"]["hash_checks"]["samples_with_hashes"]
    assert checked == int(lean.rows.get_column("n").sum()) > 0
    _same(lean, _general(index, example_path("degraded"), "d"))


def test_scanner_falls_back_with_its_reason(tmp_path: Path) -> None:
    """A doc id the reference lacks: the scanner says so, and the general path explains."""
    run = _copy(tmp_path)
    _edit(run, "demo_mc", lambda ls: [_set(ls[0], "doc_id", 10**6), *ls[1:]])
    index = engine.index_reference(example_path("reference"))
    path = next(run.glob("samples_demo_mc_*.jsonl"))
    choice = next(c for c in index.coded.keys.iter_rows(named=True) if c["task"] == "demo_mc")
    out = _core.scan_chosen(
        [path], index.coded.lookup, doc_id="doc_id", filter="filter",
        hashes=("doc_hash", "prompt_hash", "target_hash"), metrics=[choice["metric"]],
        keep_filters=[choice["filter"]], keys=[choice["key"]],
    )  # fmt: skip
    assert out == f"{path.name}: UnknownDoc"
    lean, general = _errors(run)
    assert lean == general


def test_duplicated_reference_doc_gives_the_general_message(tmp_path: Path) -> None:
    """A reference the scanner cannot index (a doc twice) is paired row by row."""
    ref = tmp_path / "reference"
    shutil.copytree(example_path("reference"), ref)
    _edit(ref, "demo_mc", lambda ls: [ls[0], *ls])
    with pytest.raises(fm.FastMcNemarError) as lean:
        fm.compare(ref, example_path("degraded"))
    with pytest.raises(fm.FastMcNemarError) as general:
        fm.compare(ref, load_run(example_path("degraded"), side="candidate"))
    assert "duplicate doc ids" in str(lean.value)
    assert str(lean.value) == str(general.value)


@pytest.mark.parametrize("name", ["degraded", "rerun"])
def test_columnar_pass_equals_row_by_row_pairing(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = engine.index_reference(example_path("reference"))
    fast = _general(index, example_path(name), name)
    monkeypatch.setattr(engine, "paired_stats", lambda *args, **kwargs: None)
    _same(fast, _general(index, example_path(name), name))


def test_lower_is_better_flips_match_row_by_row_pairing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lower-is-better metrics (binary and continuous) orient the drop the other way:
    the aligned pass's flips and counts equal the row-by-row path's."""
    runs = {}
    for name in ("reference", "degraded"):
        runs[name] = shutil.copytree(example_path(name), tmp_path / name)
        (results,) = runs[name].glob("results_*.json")
        data = json.loads(results.read_text())
        data["higher_is_better"]["demo_arith"]["exact_match"] = False
        data["higher_is_better"]["demo_partial"]["partial_credit"] = False
        results.write_text(json.dumps(data))
    index = engine.index_reference(runs["reference"])
    fast = engine.candidate_stats(index, runs["degraded"], label="degraded")
    assert fast.rows.get_column("lower_is_better").sum() == 2
    assert fast.flips.height > 0
    monkeypatch.setattr(engine, "paired_stats", lambda *args, **kwargs: None)
    _same(fast, _general(index, runs["degraded"], "degraded"))


def test_candidate_laid_out_like_the_reference_reuses_its_codes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ref = load_run(example_path("reference"), side="reference").scores
    rng = np.random.default_rng(5)
    flipped = rng.random(ref.height) < 0.2
    score = ref.get_column("score").to_numpy()
    cand = ref.with_columns(
        pl.lit("cand").alias("model"),
        pl.Series("score", np.where(flipped & np.isin(score, (0.0, 1.0)), 1.0 - score, score)),
    )
    assert columnar.same_layout(ref, cand)
    assert not columnar.same_layout(ref, cand.reverse())
    index = engine.index_reference(ref)

    def unused(*args: object, **kwargs: object) -> None:
        raise AssertionError("the reference's runs and codes serve the candidate")

    with monkeypatch.context() as patch:
        for module, name in ((engine, "checked_pairing"), (engine, "frame_runs"),
                             (columnar, "doc_codes")):  # fmt: skip
            patch.setattr(module, name, unused)
        reused = engine.candidate_stats(index, cand, label="cand")
    monkeypatch.setattr(engine, "same_layout", lambda *args: False)
    general = engine.candidate_stats(index, cand, label="cand")
    _same(reused, general)
    assert reused.flips.equals(general.flips)


def test_shuffled_candidate_frame_pairs_the_same() -> None:
    ref = load_run(example_path("reference"), side="reference").scores
    cand = load_run(example_path("degraded"), side="candidate").scores
    shuffled = cand.sample(fraction=1.0, shuffle=True, seed=3)
    a = fm.compare(ref, cand)
    b = fm.compare(ref, shuffled)
    assert a.tasks.equals(b.tasks)


# ----------------------------------------------------------------------------- hostile


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "degraded"
    shutil.copytree(example_path("degraded"), target)
    return target


def _edit(run: Path, task: str, change: Callable[[list[str]], list[str]]) -> None:
    path = next(run.glob(f"samples_{task}_*.jsonl"))
    path.write_text("".join(change(path.read_text().splitlines(keepends=True))))


def _set(line: str, key: str, value: object) -> str:
    record = json.loads(line)
    record[key] = value
    return json.dumps(record) + "\n"


def _errors(run: Path) -> tuple[str, str]:
    """The message of compare() reading ``run`` itself, and of the general reader."""

    def general() -> None:
        fm.compare(example_path("reference"), load_run(run, side="candidate"))

    def lean() -> None:
        fm.compare(example_path("reference"), run)

    messages = []
    for call in (lean, general):
        with pytest.raises(fm.FastMcNemarError) as caught:
            call()
        messages.append(str(caught.value))
    return messages[0], messages[1]


EDITS: dict[str, tuple[str, Callable[[list[str]], list[str]], str]] = {
    "hash": ("demo_mc", lambda ls: [_set(ls[0], "doc_hash", "0" * 64), *ls[1:]], "doc_hash"),
    "target hash": (
        "demo_mc",
        lambda ls: [*ls[:2], _set(ls[2], "target_hash", "x"), *ls[3:]],
        "target_hash",
    ),
    "missing doc": ("demo_mc", lambda ls: ls[1:], "only in reference"),
    "duplicate doc": ("demo_mc", lambda ls: [ls[0], *ls], "duplicate doc ids"),
    "NaN score": ("demo_mc", lambda ls: [_set(ls[0], "acc", float("nan")), *ls[1:]], "NaN"),
    "out of range": ("demo_mc", lambda ls: [_set(ls[0], "acc", 2.0), *ls[1:]], "outside"),
    "broken line": ("demo_mc", lambda ls: [ls[0][:40] + "\n", *ls[1:]], "line 1"),
    # A writer killed mid-line, then lines appended: one line with doc 2's start and
    # doc 3's end, which only a walk over the whole line finds broken.
    "cut then appended": (
        "demo_mc",
        lambda ls: [*ls[:2], ls[2][: len(ls[2]) // 2] + ls[3], *ls[4:]],
        "line 3",
    ),
    "wrong type": ("demo_mc", lambda ls: [ls[0], _set(ls[1], "acc", "yes"), *ls[2:]], "'acc'"),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_hostile_candidate_gives_the_general_message(tmp_path: Path, case: str) -> None:
    task, change, expected = EDITS[case]
    run = _copy(tmp_path)
    _edit(run, task, change)
    lean, general = _errors(run)
    assert expected in lean
    assert lean == general


@pytest.mark.parametrize("key", ["doc_hash", "prompt_hash"])
def test_accepted_hash_mismatch_warns_and_answers_as_before(tmp_path: Path, key: str) -> None:
    """A changed doc hash allowed, or a changed prompt hash (always a warning): the
    lean reader warns and answers as the general one."""
    run = _copy(tmp_path)
    _edit(run, "demo_mc", lambda ls: [*ls[:-1], _set(ls[-1], key, "0" * 64)])
    results = []
    for candidate in (run, load_run(run, side="candidate")):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            results.append(
                fm.compare(example_path("reference"), candidate, allow_hash_mismatch=True)
            )
        assert any(f"{key} differs" in str(w.message) for w in seen)
    assert results[0].tasks.equals(results[1].tasks)
    assert results[0].metadata["notes"] == results[1].metadata["notes"]


def test_decision_batches_match_one_candidate_at_a_time() -> None:
    cands = {n: example_path(n) for n in ("degraded", "rerun")}
    together = fm.audit(example_path("reference"), cands)
    for name, path in cands.items():
        alone = fm.audit(example_path("reference"), {name: path})
        assert alone.comparisons[name].tasks.equals(together.comparisons[name].tasks)
        assert alone.comparisons[name].aggregate == together.comparisons[name].aggregate
        np.testing.assert_array_equal(
            alone.comparisons[name].aggregate.task_pvalues,  # type: ignore[union-attr]
            together.comparisons[name].aggregate.task_pvalues,  # type: ignore[union-attr]
        )


def test_single_metric_frames_pair_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every reference key chosen: the reference's rows are read as one slice."""
    rng = np.random.default_rng(5)

    def frame(model: str, flip: float) -> pl.DataFrame:
        base = np.random.default_rng(0).random((3, 200)) < 0.6
        scores = np.where(rng.random((3, 200)) < flip, ~base, base).astype(float).ravel()
        n = scores.size
        none = pl.Series([None] * n, dtype=pl.Utf8)
        return pl.DataFrame(
            {"model": [model] * n, "task": np.repeat(["t0", "t1", "t2"], 200),
             "filter": ["none"] * n, "metric": ["acc"] * n,
             "doc_id": np.tile(np.arange(200).astype(str), 3), "score": scores,
             "doc_hash": none, "prompt_hash": none, "target_hash": none, "source": ["m"] * n}
        )  # fmt: skip

    ref, cand = frame("ref", 0.0), frame("cand", 0.1)
    fast = fm.compare(ref, cand)
    monkeypatch.setattr(engine, "paired_stats", lambda *args, **kwargs: None)
    slow = fm.compare(ref, cand)
    assert fast.tasks.equals(slow.tasks)
    assert fast.tasks.height == 3


@pytest.mark.parametrize(
    "method", ["holm", "hochberg", "hommel", "bonferroni", "sidak", "holm-sidak", "bh", "by"]
)
def test_grouped_adjustment_equals_one_call_per_family(method: str) -> None:

    rng = np.random.default_rng(11)
    sizes = [1, 5, 60, 2, 17]
    pvalues = rng.random(sum(sizes)) ** 3
    pvalues[3] = pvalues[4]  # ties keep their order
    offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    grouped = _core.suite_adjust_pvalues_grouped(pvalues, offsets, method)  # type: ignore[arg-type]
    bounds = offsets.tolist()
    one_by_one = np.concatenate(
        [fm.adjust_pvalues(pvalues[a:b], method=method) for a, b in itertools.pairwise(bounds)]  # type: ignore[arg-type]
    )
    np.testing.assert_array_equal(grouped, one_by_one)


def test_grouped_adjustment_checks_its_offsets() -> None:

    with pytest.raises(fm.InvalidArgumentError, match="offsets"):
        _core.suite_adjust_pvalues_grouped(np.array([0.1, 0.2]), np.array([0, 3]), "holm")
    with pytest.raises(fm.InvalidArgumentError, match="outside"):
        _core.suite_adjust_pvalues_grouped(np.array([0.1, 1.2]), np.array([0, 2]), "holm")


def test_hash_columns_cross_to_the_scanner_in_place(tmp_path: Path) -> None:
    """The reference's hash Series are read through the Arrow stream interface: nulls,
    empty and non-ASCII texts and several chunks all compare as the texts they hold."""

    doc_hash = pl.concat(
        [pl.Series(["é✓x", None], dtype=pl.Utf8), pl.Series([""], dtype=pl.Utf8)],
        rechunk=False,
    )
    assert doc_hash.n_chunks() == 2
    none = pl.Series([None, None, None], dtype=pl.Utf8)
    lookup = _core.ReferenceLookup(
        ["0", "1", "2"], np.array([0, 1, 2]), np.array([0, 3]), (doc_hash, none, none)
    )

    def scan(*hashes: str) -> Any:
        path = tmp_path / "samples_t.jsonl"
        lines = [
            {"doc_id": i, "filter": "none", "doc_hash": h, "acc": 1} for i, h in enumerate(hashes)
        ]
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        return _core.scan_chosen(
            [path], lookup, doc_id="doc_id", filter="filter",
            hashes=("doc_hash", "prompt_hash", "target_hash"),
            metrics=["acc"], keep_filters=["none"], keys=[0],
        )  # fmt: skip

    # Doc 1 has no hash in the reference: not compared; docs 0 and 2 are equal.
    assert scan("é✓x", "zz", "")[3:5] == (False, 2)
    assert scan("é✓x", "zz", "x")[3:5] == (True, 2)
    with pytest.raises(fm.InvalidArgumentError, match="hash columns must be text"):
        _core.ReferenceLookup(["0"], np.array([0]), np.array([0, 1]), (pl.Series([1]),) * 3)
