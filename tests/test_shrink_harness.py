"""Noise floor and shrinking on reruns written by the real lm-evaluation-harness.

Four noisy reruns of the demo reference model (tests/harness/noisy_reruns.py)
are evaluated by lm-eval itself; each flips a seeded half of an unstable pool
of docs per task. The kept set must be exactly the docs whose outcome changed
in some rerun: every sample that flipped in any run, and none that never did.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import polars as pl
import pytest

import fastmcnemar as fm

pytest.importorskip("lm_eval", reason="the 'harness' extra (lm-eval) is not installed")

sys.path.insert(0, str(Path(__file__).resolve().parent / "harness"))
import noisy_reruns

if not noisy_reruns.available():
    pytest.skip(
        "the lm-eval demo harness (tests/harness/lm_eval_demo.py) is not in this tree",
        allow_module_level=True,
    )
import lm_eval_demo

RUNS = [0, 1, 2, 3]


@pytest.fixture(scope="module")
def rerun_dirs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("reruns")
    tasks_dir = lm_eval_demo.write_tasks(root)
    return [
        noisy_reruns.run_rerun(r, tasks_dir, root / "out" / str(r), lm_eval_demo.ALL_TASKS)
        for r in RUNS
    ]


def test_kept_set_is_every_sample_that_flipped_and_nothing_else(
    rerun_dirs: list[Path], tmp_path: Path
) -> None:
    result = fm.shrink(rerun_dirs)
    tasks = set(noisy_reruns.POOL)
    assert set(result.doc_ids) == tasks
    for task in tasks:
        expected = noisy_reruns.expected_changed(RUNS, task)
        assert expected  # the pool really flips
        assert {int(d) for d in result.doc_ids[task]} == expected, task
    for row in result.tasks.iter_rows(named=True):
        assert row["n"] == lm_eval_demo.N_DOCS[row["task"]]
        assert row["n_kept"] == len(noisy_reruns.expected_changed(RUNS, row["task"]))
        assert 0 < row["power_before"] < 1
    # The CLI writes the same set as lm-eval --samples JSON.
    from fastmcnemar.cli import main

    out = tmp_path / "kept.json"
    assert main(["shrink", *map(str, rerun_dirs), "--output", str(out)]) == 0
    written = json.loads(out.read_text())
    assert {t: set(ids) for t, ids in written.items()} == {
        t: noisy_reruns.expected_changed(RUNS, t) for t in tasks
    }


def test_noise_floor_matches_the_known_flips(rerun_dirs: list[Path]) -> None:
    floor = fm.noise_floor(rerun_dirs)
    # Strict-match scores the arithmetic docs that drop the "####" format wrong in
    # every run, so only flexible-extract sees all the flips there.
    rows = floor.tasks.filter(
        (pl.col("metric") == "acc")
        | ((pl.col("metric") == "exact_match") & (pl.col("filter") == "flexible-extract"))
    )
    assert rows.height > 0
    for row in rows.iter_rows(named=True):
        task = row["task"]
        rates = [
            len(noisy_reruns.flipped(i, task) ^ noisy_reruns.flipped(j, task))
            / lm_eval_demo.N_DOCS[task]
            for i, j in itertools.combinations(RUNS, 2)
        ]
        assert row["noise_flip_rate"] == pytest.approx(sum(rates) / len(rates), rel=1e-12)
        assert row["noise_flip_rate_max"] == pytest.approx(max(rates), rel=1e-12)
