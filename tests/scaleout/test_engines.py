"""audit() on Ray and Dask: real clusters, real S3 server, same answers as the local engine.

The equality checks compare whole reports (JSON, the candidate x task table and
the summary), so any difference in what a worker computed, in the order the
candidates come back, or in the decision would show.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import fastmcnemar as fm
from fastmcnemar.cli import main
from fastmcnemar.data import example_path
from fastmcnemar.exceptions import InputFormatError, InputWarning, InvalidArgumentError

ENGINES = ["local", "ray", "dask"]


def _candidates() -> dict[str, Path]:
    # demo_partial is a continuous task: its paired scores must arrive whole.
    return {"rerun": example_path("rerun"), "int4": example_path("degraded")}


def _audit(engine: str, reference, candidates, request: pytest.FixtureRequest, **options):
    if engine == "ray":
        request.getfixturevalue("ray_cluster")
    if engine == "dask":
        options["client"] = request.getfixturevalue("dask_client")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        return fm.audit(reference, candidates, engine=engine, progress=False, **options)


@pytest.fixture(scope="module")
def local_audit():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        return fm.audit(example_path("reference"), _candidates(), progress=False)


@pytest.mark.parametrize("engine", ["ray", "dask"])
def test_same_audit_on_every_engine(engine: str, local_audit, request) -> None:
    result = _audit(engine, example_path("reference"), _candidates(), request)
    assert result.to_json() == local_audit.to_json()
    assert_frame_equal(result.table, local_audit.table)
    assert_frame_equal(result.summary, local_audit.summary)
    assert result.to_text() == local_audit.to_text()
    # The comparison covers a continuous task (permutation test and bootstrap on the
    # worker's whole paired scores), not only additive binary counts.
    kinds = local_audit.table.filter(pl.col("candidate") == "int4").get_column("kind")
    assert "continuous" in kinds.to_list()
    assert "binary" in kinds.to_list()


@pytest.mark.parametrize("engine", ["ray", "dask"])
def test_clustered_audit_is_the_same_on_every_engine(engine: str, request) -> None:
    # The reference index ships its clusters to the workers; every clustered test and
    # the clustered suite rule run on the driver, so the answers cannot differ.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ids = fm.read_lm_eval(example_path("reference")).get_column("doc_id").unique()
        cluster = {doc: f"passage-{int(doc) // 4}" for doc in ids.to_list()}
        local = fm.audit(example_path("reference"), _candidates(), cluster=cluster, progress=False)
        result = _audit(engine, example_path("reference"), _candidates(), request, cluster=cluster)
    assert result.to_json() == local.to_json()
    assert_frame_equal(result.table, local.table)
    assert "design_effect" in local.to_json()


@pytest.mark.parametrize("engine", ENGINES)
def test_runs_read_from_s3_on_every_engine(engine: str, s3, local_audit, request) -> None:
    result = _audit(engine, s3.uri("lm-eval/reference"), s3.uri("sweep"), request)
    # One candidate per run folder under s3://evals/sweep/, found by listing.
    assert list(result.comparisons) == ["degraded", "reference", "rerun"]
    here = local_audit.table.filter(pl.col("candidate") == "int4").drop("candidate")
    there = result.table.filter(pl.col("candidate") == "degraded").drop("candidate")
    assert_frame_equal(there, here)
    files = result.comparisons["degraded"].metadata["candidate"]["files"]
    assert files
    assert all(f.startswith("s3://evals/sweep/degraded/") for f in files)


@pytest.mark.parametrize("engine", ["ray", "dask"])
def test_explicit_storage_options_reach_the_workers(engine, s3, request) -> None:
    # Credentials travel with the audit, not through the workers' environment.
    result = _audit(
        engine,
        s3.uri("lm-eval/reference"),
        {"int4": s3.uri("lm-eval/degraded")},
        request,
        storage_options=s3.storage_options,
    )
    assert result.degraded


@pytest.mark.parametrize("engine", ["ray", "dask"])
def test_a_worker_killed_mid_audit_is_retried(engine, tmp_path, local_audit, request) -> None:
    from worker_faults import KillsItsFirstReader

    marker = tmp_path / "killed"
    candidates = {
        "rerun": example_path("rerun"),
        "int4": KillsItsFirstReader(example_path("degraded"), marker),
    }
    result = _audit(engine, example_path("reference"), candidates, request)
    assert marker.exists(), "no worker was killed: the test did not test anything"
    assert int(marker.read_text()) > 0
    assert result.to_json() == local_audit.to_json()


def test_a_candidate_killing_every_worker_is_reported_not_dropped(request) -> None:
    from worker_faults import KillsEveryReader

    candidates = {"rerun": example_path("rerun"), "oom": KillsEveryReader(example_path("degraded"))}
    result = _audit("ray", example_path("reference"), candidates, request, keep_going=True)
    assert list(result.comparisons) == ["rerun"]
    assert list(result.failed) == ["oom"]
    # Ray ran it 1 + max_retries times, each time in a new worker, then gave up.
    assert "not completed by the engine" in result.failed["oom"]
    assert "INCOMPLETE" in result.to_text()


def _corrupt_sweep(s3, tmp_path: Path, name: str) -> str:
    broken = tmp_path / name
    broken.mkdir()
    for file in example_path("degraded").iterdir():
        data = file.read_bytes()
        if file.name.startswith("samples_demo_mc_"):
            data = data.replace(b'"doc_id"', b'"doc_id', 1)  # line 1 broken
        (broken / file.name).write_bytes(data)
    s3.put(broken, f"{name}/broken")
    s3.put(example_path("rerun"), f"{name}/rerun")
    return s3.uri(name)


@pytest.mark.parametrize("engine", ENGINES)
def test_corrupt_candidate_on_s3_stops_the_audit_naming_it(engine, s3, tmp_path, request) -> None:
    sweep = _corrupt_sweep(s3, tmp_path, f"corrupt-{engine}")
    with pytest.raises(InputFormatError) as info:
        _audit(engine, example_path("reference"), sweep, request)
    message = str(info.value)
    assert message.startswith(f"candidate broken: {sweep}/broken/samples_demo_mc_")
    assert ": line 1: " in message


@pytest.mark.parametrize("engine", ENGINES)
def test_keep_going_lists_the_failed_candidate(engine, s3, tmp_path, request) -> None:
    sweep = _corrupt_sweep(s3, tmp_path, f"keep-going-{engine}")
    result = _audit(engine, example_path("reference"), sweep, request, keep_going=True)
    assert not result.complete
    assert list(result.failed) == ["broken"]
    assert list(result.comparisons) == ["rerun"]
    assert "INCOMPLETE" in result.to_text()
    assert "broken" in result.to_text()
    doc = json.loads(result.to_json())
    assert doc["complete"] is False
    assert "broken" in doc["failed"]
    assert "INCOMPLETE" in result.to_html()
    assert "Incomplete" in result.to_markdown()
    csv = pl.read_csv(result.to_csv().encode())
    assert csv.filter(pl.col("candidate") == "broken")["error"].str.contains("line 1").all()


def test_cli_on_dask_with_s3(s3, dask_client, tmp_path, capsys) -> None:
    address = dask_client.scheduler.address
    out = tmp_path / "audit.json"
    args = ["audit", s3.uri("lm-eval/reference"), s3.uri("sweep"), "--engine", "dask",
            "--address", address, "--format", "json", "-o", str(out), "--no-progress"]  # fmt: skip
    status = main(args)
    assert status == 1  # the degraded candidate
    doc = json.loads(out.read_text())
    assert doc["complete"] is True
    assert [r["candidate"] for r in doc["summary"]] == ["degraded", "reference", "rerun"]


def test_cli_keep_going_exits_2_and_says_incomplete(s3, ray_cluster, tmp_path, capsys) -> None:
    sweep = _corrupt_sweep(s3, tmp_path, "cli-keep-going")
    status = main(["audit", str(example_path("reference")), sweep, "--engine", "ray",
                   "--keep-going", "--no-progress"])  # fmt: skip
    captured = capsys.readouterr()
    assert status == 2
    assert "incomplete: 1 candidate(s) could not be read (broken)" in captured.err
    assert "INCOMPLETE" in captured.out


def test_progress_bar_counts_candidates_on_ray(ray_cluster, capsys) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        fm.audit(example_path("reference"), _candidates(), engine="ray", progress=True)
    err = capsys.readouterr().err
    assert "0/2" in err
    assert "1/2" in err
    assert "2/2" in err


def test_missing_engine_names_the_extra(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    with pytest.raises(InvalidArgumentError, match=r"pip install 'fastmcnemar\[ray\]'"):
        fm.audit(example_path("reference"), _candidates(), engine="ray", progress=False)
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(InvalidArgumentError, match=r"pip install 'fastmcnemar\[dask\]'"):
        fm.audit(example_path("reference"), _candidates(), engine="dask", progress=False)


def test_unknown_engine() -> None:
    with pytest.raises(InvalidArgumentError, match="engine: expected one of local, ray, dask"):
        fm.audit(example_path("reference"), _candidates(), engine="spark")  # type: ignore[arg-type]


def test_cluster_options_need_a_cluster_engine() -> None:
    with pytest.raises(InvalidArgumentError, match="address: a cluster address needs"):
        fm.audit(example_path("reference"), _candidates(), address="auto")
    with pytest.raises(InvalidArgumentError, match="client: a Dask client is only used"):
        fm.audit(example_path("reference"), _candidates(), engine="ray", client=object())
