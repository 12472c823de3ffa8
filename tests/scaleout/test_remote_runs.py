"""Runs read straight from object storage (a real S3 server, moto's server mode).

Every reader, given an ``s3://`` URI, must return exactly what it returns for
the same files on local disk, except that ``source`` (and every message) names
the URI; errors name the URI and keep their class.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import fastmcnemar as fm
from fastmcnemar.exceptions import InputFormatError, InputWarning
from fastmcnemar.ingest import detect_format, read_any
from fastmcnemar.ingest.lm_eval import load_lm_eval
from fastmcnemar.ingest.remote import RemotePath, is_remote, staged


def _same_but_source(remote: pl.DataFrame, local: pl.DataFrame, local_root: Path, uri: str) -> None:
    moved = local.with_columns(
        pl.col("source").str.replace(str(local_root), uri.rstrip("/"), literal=True)
    )
    assert_frame_equal(remote, moved)


def test_lm_eval_directory_from_s3_equals_local(s3) -> None:
    uri = s3.uri("lm-eval/degraded")
    local = s3.local / "lm-eval" / "degraded"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        remote = fm.read_lm_eval(uri)
        here = fm.read_lm_eval(local)
    assert remote.height > 0
    assert remote["source"].str.starts_with("s3://evals/lm-eval/degraded/").all()
    _same_but_source(remote, here, local, uri)


def test_lm_eval_single_samples_file_finds_its_results_file(s3) -> None:
    local_file = next((s3.local / "lm-eval" / "reference").glob("samples_demo_mc_*.jsonl"))
    uri = s3.uri(f"lm-eval/reference/{local_file.name}")
    data = load_lm_eval(uri)
    here = load_lm_eval(local_file)
    _same_but_source(data.scores, here.scores, local_file.parent, uri.rsplit("/", 1)[0])
    # The run's results file beside it was found (model name, versions) and is named by URI.
    assert [str(r.path) for r in data.results] == [
        s3.uri(f"lm-eval/reference/{r.path.name}") for r in here.results
    ]
    assert all(isinstance(r.path, RemotePath) for r in data.results)
    assert data.results[0].data == here.results[0].data


def test_explicit_storage_options(s3, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the environment, the credentials and endpoint come from storage_options.
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL",
                "AWS_ENDPOINT_URL_S3"):  # fmt: skip
        monkeypatch.delenv(key)
    frame = fm.read_lm_eval(
        s3.uri("lm-eval/rerun"), metrics=["acc"], storage_options=s3.storage_options
    )
    assert frame.height > 0


def test_format_detection_and_read_any(s3) -> None:
    assert detect_format(s3.uri("lm-eval/reference")) == "lm_eval"
    assert detect_format(s3.uri("lighteval")) == "lighteval"
    frame = read_any(s3.uri("lighteval"))
    here = read_any(s3.local / "lighteval")
    _same_but_source(frame, here, s3.local / "lighteval", s3.uri("lighteval"))
    # The model name comes from results/<model>/results_<date>.json, as on disk.
    assert frame["model"].unique().to_list() == ["org/model-a"]


def test_lighteval_single_details_file_keeps_its_model_name(s3) -> None:
    local = next((s3.local / "lighteval").rglob("details_*.parquet"))
    relative = local.relative_to(s3.local).as_posix()
    frame = fm.read_lighteval(s3.uri(relative))
    assert frame["model"].unique().to_list() == ["org/model-a"]
    assert frame["source"].unique().to_list() == [s3.uri(relative)]


def test_score_files_from_s3(s3, tmp_path: Path) -> None:
    folder = tmp_path / "scores"
    folder.mkdir()
    (folder / "arith.csv").write_text("doc_id,score\n0,1\n1,0\n2,1\n")
    (folder / "mc.csv").write_text("doc_id,score\n0,0\n1,1\n")
    uri = s3.put(folder, "scores/model-x")
    frame = fm.read_scores(uri)
    assert frame.select("model", "task", "doc_id", "score").rows() == [
        ("model-x", "arith", "0", 1.0),
        ("model-x", "arith", "1", 0.0),
        ("model-x", "arith", "2", 1.0),
        ("model-x", "mc", "0", 0.0),
        ("model-x", "mc", "1", 1.0),
    ]
    assert frame["source"].unique().sort().to_list() == [f"{uri}/arith.csv", f"{uri}/mc.csv"]


def test_inspect_logs_from_s3(s3, tmp_path: Path) -> None:
    pytest.importorskip("inspect_ai", reason="the 'harness' extra (inspect-ai) is not installed")
    from inspect_mock import run_inspect_pair

    runs = run_inspect_pair(tmp_path / "logs")
    uri = s3.put(runs.reference_eval, f"inspect/{runs.reference_eval.name}")
    remote = fm.read_inspect(uri)
    here = fm.read_inspect(runs.reference_eval)
    assert remote["source"].unique().to_list() == [uri]
    assert_frame_equal(remote.drop("source"), here.drop("source"))
    json_uri = s3.put(runs.candidate_json, f"inspect-json/{runs.candidate_json.name}")
    assert detect_format(json_uri) == "inspect"


def test_missing_uri_is_named(s3) -> None:
    uri = s3.uri("lm-eval/no-such-run")
    with pytest.raises(InputFormatError, match=r"^s3://evals/lm-eval/no-such-run: no such file"):
        fm.read_lm_eval(uri)


def test_corrupt_file_on_s3_is_named_with_its_line(s3, tmp_path: Path) -> None:
    source = s3.local / "lm-eval" / "reference"
    broken = tmp_path / "broken"
    broken.mkdir()
    for file in source.iterdir():
        text = file.read_bytes()
        if file.name.startswith("samples_demo_mc_"):
            lines = text.split(b"\n")
            lines[4] = lines[4][: len(lines[4]) // 2]  # line 5 cut in half
            text = b"\n".join(lines)
            bad_name = file.name
        (broken / file.name).write_bytes(text)
    uri = s3.put(broken, "corrupt/reference")
    with pytest.raises(InputFormatError) as info:
        fm.read_lm_eval(uri, metrics=["acc"])
    message = str(info.value)
    assert message.startswith(f"{uri}/{bad_name}: line 5: ")
    assert "fastmcnemar-remote-" not in message


def test_warnings_name_the_uri(s3) -> None:
    with pytest.warns(InputWarning) as caught:
        fm.read_lm_eval(s3.uri("lm-eval/reference"))
    assert any(str(w.message).startswith("s3://evals/lm-eval/reference") for w in caught)
    assert not any("fastmcnemar-remote-" in str(w.message) for w in caught)


def test_staging_removes_its_copy(s3) -> None:
    with staged(s3.uri("lm-eval/rerun")) as copy:
        root = copy.local
        assert any(root.glob("samples_*.jsonl"))
    assert not root.exists()


def test_local_paths_stay_local() -> None:
    assert not is_remote(Path("s3:/x"))
    assert not is_remote("runs/ckpt")
    assert is_remote("gs://b/k")
    assert is_remote("hf://datasets/o/r")
    assert is_remote("az://c/k")


def test_unknown_protocol_names_what_to_install() -> None:
    with pytest.raises(InputFormatError, match=r"^nosuchproto://x: "):
        fm.read_lm_eval("nosuchproto://x")


def test_results_file_selects_its_run(s3) -> None:
    local_file = next((s3.local / "lm-eval" / "degraded").glob("results_*.json"))
    uri = s3.uri(f"lm-eval/degraded/{local_file.name}")
    remote, here = load_lm_eval(uri), load_lm_eval(local_file)
    _same_but_source(remote.scores, here.scores, local_file.parent, uri.rsplit("/", 1)[0])


def test_a_single_file_stages_only_what_its_reader_opens(s3, tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    for name in ("2026-01-01T00-00-00_a.json", "2026-01-01T00-00-01_b.json", "scores.csv"):
        (folder / name).write_text("{}")
    uri = s3.put(folder, "single")
    with staged(f"{uri}/2026-01-01T00-00-00_a.json") as copy:
        assert sorted(p.name for p in copy.local.parent.iterdir()) == ["2026-01-01T00-00-00_a.json"]


def test_cli_compare_from_s3_with_storage_options(s3, monkeypatch, capsys) -> None:
    from fastmcnemar.cli import main

    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL",
                "AWS_ENDPOINT_URL_S3"):  # fmt: skip
        monkeypatch.delenv(key)
    options = [f"--storage-option={k}={v}" for k, v in s3.storage_options.items()]
    args = ["compare", s3.uri("lm-eval/reference"), s3.uri("lm-eval/degraded"), *options]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        assert main(args) == 1  # degraded
    assert "degraded" in capsys.readouterr().out.lower()


def test_cli_bad_storage_option_is_a_usage_error(s3, capsys) -> None:
    from fastmcnemar.cli import main

    args = [
        "compare",
        s3.uri("lm-eval/reference"),
        s3.uri("lm-eval/rerun"),
        "--storage-option",
        "x",
    ]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.strip() == "fastmcnemar compare: error: --storage-option 'x': expected KEY=VALUE"
