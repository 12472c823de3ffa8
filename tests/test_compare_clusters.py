"""compare/audit with cluster=: sources of cluster labels, reductions, reports, CLI, level."""

from __future__ import annotations

import json
import math
import os
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import fastmcnemar as fm
from fastmcnemar._cluster_simulation import binary_clusters, continuous_clusters
from fastmcnemar.cli import main


def frame(model: str, task: str, scores, passage, metric: str = "acc") -> pl.DataFrame:
    n = len(scores)
    return pl.DataFrame(
        {
            "model": model, "task": task, "filter": "none", "metric": metric,
            "doc_id": [str(i) for i in range(n)], "score": np.asarray(scores, dtype=float),
            "doc_hash": None, "prompt_hash": None, "target_hash": None, "source": "test",
            "passage": [f"p{j}" for j in passage],
        },
        schema_overrides={"doc_hash": pl.Utf8, "prompt_hash": pl.Utf8, "target_hash": pl.Utf8},
    )  # fmt: skip


def suite(seed: int, *, drop: float = 0.0, n_clusters: int = 40, size: int = 8, rho: float = 0.3):
    rng = np.random.default_rng(seed)
    refs, cands = [], []
    for t in range(3):
        r, c, k = binary_clusters(rng, n_clusters, size, rho=rho, flip_rate=0.15, drop=drop)
        refs.append(frame("ref", f"t{t}", r, k))
        cands.append(frame("cand", f"t{t}", c, k))
    r, c, k = continuous_clusters(rng, n_clusters, size, icc=rho, drop=drop / 4)
    refs.append(frame("ref", "judge", r, k, metric="score"))
    cands.append(frame("cand", "judge", c, k, metric="score"))
    return pl.concat(refs), pl.concat(cands).drop("passage")


def test_per_task_results_are_the_clustered_tests():
    ref, cand = suite(1, drop=0.03)
    res = fm.compare(ref, cand, cluster="passage", n_resamples=999)
    assert res.metadata["clusters"]["key"] == "'passage'"
    info = {r["task"]: r for r in res.metadata["clusters"]["tasks"]}
    for row in res.tasks.iter_rows(named=True):
        r = ref.filter(pl.col("task") == row["task"])
        c = cand.filter(pl.col("task") == row["task"])
        direct = fm.clustered_test(
            r["score"].to_numpy(), c["score"].to_numpy(), r["passage"].to_numpy(),
            n_resamples=999, rng=0,
        )  # fmt: skip
        assert row["pvalue"] == direct.pvalue
        assert (row["ci_low"], row["ci_high"]) == tuple(direct.confidence_interval)
        assert info[row["task"]]["n_clusters"] == 40
        assert info[row["task"]]["design_effect"] == pytest.approx(direct.design_effect)
        assert row["method"].startswith("cluster sign-flip")
    assert isinstance(res.aggregate, fm.SuiteSignFlipResult)
    assert res.aggregate.clustered
    assert res.degraded == res.aggregate.rejected
    text = res.to_text(wide=True)  # unwrapped lines
    assert "clusters ('passage'; per-task test: cluster sign-flip):" in text
    assert "t0: 40 clusters of 320 samples, design effect" in text
    assert "of the clusters of every task" in text
    md = res.to_markdown()
    assert "design effect" in md
    doc = json.loads(res.to_json())
    assert doc["metadata"]["clusters"]["tasks"][0]["n_clusters"] == 40
    assert doc["aggregate"]["method"] == "combined sign-flip"


def test_one_sample_per_cluster_gives_the_unclustered_task_tests():
    ref, cand = suite(2, drop=0.02)
    ref = ref.with_columns(pl.col("doc_id").alias("passage"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clustered = fm.compare(ref, cand, cluster="passage", n_resamples=999)
    plain = fm.compare(ref.drop("passage"), cand, n_resamples=999)
    assert clustered.tasks["pvalue"].to_list() == plain.tasks["pvalue"].to_list()
    for r in clustered.metadata["clusters"]["tasks"]:
        assert r["design_effect"] == pytest.approx(1.0, rel=1e-9)


def test_mapping_table_and_file_sources_agree(tmp_path: Path):
    ref, cand = suite(3, drop=0.02)
    by_column = fm.compare(ref, cand, cluster="passage", n_resamples=499)
    table = ref.select("task", "doc_id", pl.col("passage").alias("cluster"))
    by_table = fm.compare(ref.drop("passage"), cand, cluster=table, n_resamples=499)
    csv = tmp_path / "clusters.csv"
    table.write_csv(csv)
    by_file = fm.compare(ref.drop("passage"), cand, cluster=str(csv), n_resamples=499)
    for other in (by_table, by_file):
        assert other.tasks["pvalue"].to_list() == by_column.tasks["pvalue"].to_list()
        assert other.degraded == by_column.degraded
    # A {doc_id: cluster} mapping applies to every task.
    one = ref.filter(pl.col("task") == "t0")
    mapping = dict(zip(one["doc_id"], one["passage"], strict=True))
    by_map = fm.compare(one.drop("passage"), cand.filter(pl.col("task") == "t0"), cluster=mapping)
    assert by_map.tasks["pvalue"][0] == by_column.tasks["pvalue"][0]


def test_missing_label_names_task_and_doc():
    ref, cand = suite(4)
    table = ref.select("task", "doc_id", pl.col("passage").alias("cluster")).filter(
        ~((pl.col("task") == "t1") & (pl.col("doc_id") == "17"))
    )
    with pytest.raises(fm.InputFormatError, match=r"task 't1', doc_id '17' has no cluster label"):
        fm.compare(ref.drop("passage"), cand, cluster=table)
    with pytest.raises(fm.InvalidArgumentError, match="not a column of the reference frame"):
        fm.compare(ref, cand, cluster="chapter")
    with pytest.raises(fm.InvalidArgumentError, match=r"doc\.<field> reads lm-eval samples"):
        fm.compare(ref, cand, cluster="doc.passage_id")
    with pytest.raises(fm.InvalidArgumentError, match="cluster_method must be one of"):
        fm.compare(ref, cand, cluster="passage", cluster_method="wald")


def test_method_and_rule_options():
    ref, cand = suite(5, drop=0.02)
    binary_ref = ref.filter(pl.col("task") != "judge").drop("passage")
    binary_cand = cand.filter(pl.col("task") != "judge")
    exact = fm.compare(binary_ref, binary_cand)
    midp = fm.compare(binary_ref, binary_cand, method="midp")
    assert midp.tasks["method"].to_list() == ["midp"] * 3
    assert all(m <= e for m, e in zip(midp.tasks["pvalue"], exact.tasks["pvalue"], strict=True))
    anyrule = fm.compare(binary_ref, binary_cand, rule="any", alpha=0.02)
    assert anyrule.aggregate is not None
    assert anyrule.aggregate.level == pytest.approx(0.06)
    assert "rule 'any': level at most 3 alpha" in anyrule.metadata["verdict_rule"]
    with pytest.raises(fm.InvalidArgumentError, match="method must be one of 'exact', 'midp'"):
        fm.compare(binary_ref, binary_cand, method="asymptotic")


def test_cli_cluster_method_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    ref, cand = suite(6, drop=0.05)
    ref.write_csv(tmp_path / "ref.csv")
    cand.write_csv(tmp_path / "cand.csv")
    code = main([
        "compare", str(tmp_path / "ref.csv"), str(tmp_path / "cand.csv"),
        "--cluster", "passage", "--rule", "any", "--method", "midp",
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert "clusters ('passage'; per-task test: cluster sign-flip):" in out
    assert "level at most 3 alpha" in out
    assert code in (0, 1)
    code = main([
        "compare", str(tmp_path / "ref.csv"), str(tmp_path / "cand.csv"),
        "--cluster", "chapter",
    ])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "chapter" in err
    assert "Traceback" not in err


def test_audit_takes_clusters():
    ref, cand = suite(7, drop=0.03)
    res = fm.audit(ref, {"a": cand, "b": cand}, cluster="passage", n_resamples=499)
    for comp in res.comparisons.values():
        assert comp.metadata["clusters"]["tasks"][0]["n_clusters"] == 40
    # every audit report names the clusters, design effect and effective n per candidate
    for report in (res.to_text(), res.to_markdown(), res.to_html()):
        assert report.count("40 clusters of 320 samples") >= 2, report[:400]
        assert "design effect" in report
        assert "effective n" in report


def test_compare_with_clusters_holds_alpha_under_a_clustered_null():
    reps = 120
    bound = 0.05 + 2.6 * math.sqrt(0.05 * 0.95 / reps)
    clustered = naive = 0
    for i in range(reps):
        ref, cand = suite(1000 + i, rho=0.5)
        clustered += fm.compare(ref, cand, cluster="passage", n_resamples=199, rng=i).degraded
        naive += fm.compare(ref.drop("passage"), cand, n_resamples=199, rng=i).degraded
    assert clustered / reps <= bound
    assert naive > clustered


def test_html_report_shows_clusters():
    ref, cand = suite(8, drop=0.03)
    html = fm.compare(ref, cand, cluster="passage", n_resamples=199).to_html()
    assert "clusters (&#x27;passage&#x27;" in html or "clusters (&#39;passage&#39;" in html
    assert "t0: 40 clusters of 320 samples, design effect" in html


def test_cluster_file_problems_are_named(tmp_path: Path):
    ref, cand = suite(9)
    with pytest.raises(fm.InputFormatError, match="no such cluster file"):
        fm.compare(ref, cand, cluster=str(tmp_path / "missing.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("id,passage\n1,p1\n")
    with pytest.raises(fm.InputFormatError, match="needs columns doc_id and cluster"):
        fm.compare(ref, cand, cluster=str(bad))
    broken = tmp_path / "broken.json"
    broken.write_text('{"1": "p1",')
    with pytest.raises(fm.InputFormatError, match=r"broken\.json: cannot read the cluster file"):
        fm.compare(ref, cand, cluster=str(broken))
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(fm.InputFormatError, match=r"deep\.json: JSON nested more than 512 levels"):
        fm.compare(ref, cand, cluster=str(deep))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_cluster_file_that_is_a_fifo_is_refused_not_read(tmp_path: Path):
    ref, cand = suite(9)
    fifo = tmp_path / "clusters.csv"
    os.mkfifo(fifo)
    with pytest.raises(fm.InputFormatError, match="not a regular file; not read"):
        fm.compare(ref, cand, cluster=fifo)


def test_audit_text_report_shows_rule_and_clusters():
    ref, cand = suite(10, drop=0.03)
    text = fm.audit(ref, {"a": cand}, cluster="passage", rule="any", n_resamples=199).to_text()
    assert "suite rule: combined suite test" in text
    assert "level at most 3 alpha" in text
    assert "t1: 40 clusters of 320 samples" in text
