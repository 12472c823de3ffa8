"""Clusters from real lm-eval output: a local task whose docs carry a passage id,
run offline through lm-eval's own simple_evaluate and EvaluationTracker."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

import fastmcnemar as fm
from fastmcnemar.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent / "harness"))
import lm_eval_passages as lp

pytest.importorskip("lm_eval", reason="the 'harness' extra (lm-eval) is not installed")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("lm_eval_passages")
    tasks_dir = lp.write_task(root)
    out = root / "out"
    return {v: lp.run_variant(v, tasks_dir, out) for v in ("reference", "degraded")}


@pytest.mark.parametrize("key", ["doc.passage_id", "doc.meta.passage"])
def test_clusters_from_the_lm_eval_doc(runs: dict[str, Path], key: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.InputWarning)
        res = fm.compare(runs["reference"], runs["degraded"], cluster=key)
    expected = fm.clustered_mcnemar(
        lp.correct("reference"), lp.correct("degraded"),
        [lp.passage_of(d) for d in range(lp.N_DOCS)], rng=0,
    )  # fmt: skip
    row = res.tasks.row(0, named=True)
    assert (row["task"], row["b"], row["c"]) == (lp.TASK, expected.b, expected.c)
    assert row["pvalue"] == expected.pvalue
    info = res.metadata["clusters"]["tasks"][0]
    assert info["n_clusters"] == lp.N_PASSAGES
    assert info["design_effect"] == pytest.approx(expected.design_effect)
    # Whole passages fail together: the clustered test is far less sure than McNemar.
    plain = fm.compare(runs["reference"], runs["degraded"])
    assert plain.tasks["pvalue"][0] < row["pvalue"]
    assert info["design_effect"] > 2


def test_cli_cluster_on_lm_eval_output(
    runs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["compare", str(runs["reference"]), str(runs["degraded"]),
                 "--cluster", "doc.passage_id"])  # fmt: skip
    out = capsys.readouterr().out
    assert code in (0, 1)
    assert "clusters ('doc.passage_id'; per-task test: cluster sign-flip):" in out
    assert f"{lp.TASK}: {lp.N_PASSAGES} clusters of {lp.N_DOCS} samples" in out
    code = main(["compare", str(runs["reference"]), str(runs["degraded"]),
                 "--cluster", "doc.chapter"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "doc has no field 'chapter'" in err
