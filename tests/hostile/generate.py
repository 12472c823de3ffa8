"""A generator of small hostile inputs and faults for the command line.

Each builder writes one case into an empty directory and returns a :class:`Case`:
the command line to run there, the exit status and the words its single error
line must contain. Everything stays small (the largest file is a 64 KiB zip
that claims a 64 MiB member) so the whole battery runs in CI.

Run ``python tests/hostile/generate.py DIR`` to write every case into
``DIR/<case name>/`` for a look by hand.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fastmcnemar.data import example_path

# ../shared beside the clone (see tests/conftest.py): a real Inspect JSON log.
REAL_INSPECT_LOG = (
    Path(__file__).resolve().parents[2].parent
    / "shared/realdata/inspect-json-log/2025-05-12T20-28-13-04-00_popularity.json"
)
DEEP = 100_000  # nesting depth of the deep-JSON cases (the battery)


@dataclass
class Case:
    """One hostile command line and what it must do."""

    argv: list[str]
    code: int = 2
    contains: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    outputs: tuple[str, ...] = ()  # files the command may create (relative to the case dir)
    timeout: float = 60.0


# ----------------------------------------------------------------------------- base runs


def lm_eval_runs(root: Path) -> tuple[Path, Path]:
    """Copies of the example reference and degraded lm-eval runs: root/ref, root/cand."""
    ref, cand = root / "ref", root / "cand"
    shutil.copytree(example_path("reference"), ref)
    shutil.copytree(example_path("degraded"), cand)
    return ref, cand


def one_file(run: Path, pattern: str) -> Path:
    return next(iter(sorted(run.glob(pattern))))


def rewrite_line(path: Path, lineno: int, edit: Callable[[dict[str, object]], str]) -> None:
    """Replace line ``lineno`` (1-based) of a JSONL file by ``edit(record)``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[lineno - 1] = edit(json.loads(lines[lineno - 1]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def deep_json(depth: int = DEEP) -> str:
    return "[" * depth + "1" + "]" * depth


def with_raw(record: dict[str, object], key: str, raw: str) -> str:
    """``record`` as JSON with ``key``'s value replaced by the raw JSON text ``raw``."""
    record = dict(record)
    record[key] = "__RAW__"
    return json.dumps(record).replace('"__RAW__"', raw)


def score_csv(
    path: Path, rows: list[tuple[str, str, str]], header: str = "task,doc_id,score"
) -> Path:
    path.write_text(header + "\n" + "".join(f"{t},{d},{s}\n" for t, d, s in rows))
    return path


def score_pair(root: Path, n: int = 40) -> tuple[Path, Path]:
    ref = score_csv(root / "ref.csv", [("arith", f"d{i}", "1") for i in range(n)])
    cand = score_csv(
        root / "cand.csv", [("arith", f"d{i}", "0" if i % 5 == 0 else "1") for i in range(n)]
    )
    return ref, cand


def inspect_json_log(path: Path, edit: Callable[[dict[str, object]], str] | None = None) -> Path:
    """The real Inspect JSON log, optionally re-serialised by ``edit``."""
    if edit is None:
        shutil.copy(REAL_INSPECT_LOG, path)
    else:
        path.write_text(edit(json.loads(REAL_INSPECT_LOG.read_text())))
    return path


def eval_log(
    path: Path,
    *,
    sample_text: Callable[[dict[str, object]], str] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """An Inspect ``.eval`` zip built from the real JSON log: header.json plus one
    member per sample (no summaries.json, so the sample members are read)."""
    log = json.loads(REAL_INSPECT_LOG.read_text())
    samples = log.pop("samples")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.json", json.dumps(log))
        for sample in samples:
            name = f"samples/{sample['id']}_epoch_{sample['epoch']}.json"
            text = sample_text(sample) if sample_text else json.dumps(sample)
            archive.writestr(name, text)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def bomb_eval(path: Path, expanded: int = 64 << 20) -> Path:
    """A valid-looking .eval whose first sample member expands ``expanded`` bytes of
    JSON whitespace (deflate: about 1000 to 1)."""
    log = json.loads(REAL_INSPECT_LOG.read_text())
    samples = log.pop("samples")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("header.json", json.dumps(log))
        first = samples[0]
        name = f"samples/{first['id']}_epoch_{first['epoch']}.json"
        with archive.open(name, "w", force_zip64=True) as fh:
            fh.write(b"{")
            block = b" " * (1 << 20)
            for _ in range(expanded >> 20):
                fh.write(block)
            fh.write(b'"id": 1}')
    return path


# ----------------------------------------------------------------------------- cases


def output_is_samples_file(root: Path) -> Case:
    _, cand = lm_eval_runs(root)
    target = one_file(cand, "samples_demo_arith_*.jsonl").relative_to(root)
    return Case(["compare", "ref", "cand", "-o", str(target)], contains=(str(target), "inside"))


def output_is_results_file(root: Path) -> Case:
    _, cand = lm_eval_runs(root)
    target = one_file(cand, "results_*.json").relative_to(root)
    return Case(["compare", "ref", "cand", "-o", str(target)], contains=(str(target), "inside"))


def output_is_input_file(root: Path) -> Case:
    score_pair(root)
    return Case(
        ["compare", "ref.csv", "cand.csv", "-o", "cand.csv"],
        contains=("cand.csv", "is one of the inputs"),
    )


def output_symlink_to_input(root: Path) -> Case:
    score_pair(root)
    (root / "report.csv").symlink_to("cand.csv")
    return Case(
        ["compare", "ref.csv", "cand.csv", "--format", "csv", "-o", "report.csv"],
        contains=("report.csv", "is one of the inputs"),
    )


def output_beside_results_file(root: Path) -> Case:
    ref, cand = lm_eval_runs(root)
    ref_results = one_file(ref, "results_*.json").relative_to(root)
    cand_results = one_file(cand, "results_*.json").relative_to(root)
    stamp = cand_results.name.removeprefix("results_")[: -len(".json")]
    target = f"cand/samples_new_{stamp}.jsonl"
    return Case(
        ["compare", str(ref_results), str(cand_results), "-o", target],
        contains=(target, "named like a run file"),
    )


def shrink_output_inside_run(root: Path) -> Case:
    lm_eval_runs(root)
    shutil.copytree(example_path("rerun"), root / "rerun")
    return Case(
        ["shrink", "ref", "rerun", "-o", "ref/kept.json"], contains=("ref/kept.json", "inside")
    )


def output_dev_full(root: Path) -> Case:
    score_pair(root)
    return Case(
        ["compare", "ref.csv", "cand.csv", "-o", "/dev/full"],
        contains=("/dev/full", "No space left"),
    )


def power_output_dev_full(root: Path) -> Case:
    return Case(
        ["power", "--flip-rate", "0.05", "-o", "/dev/full"], contains=("/dev/full", "No space left")
    )


def output_missing_dir(root: Path) -> Case:
    score_pair(root)
    return Case(
        ["compare", "ref.csv", "cand.csv", "-o", "no/such/dir/report.txt"],
        contains=("no/such/dir/report.txt", "cannot write"),
    )


def eval_zip_bomb(root: Path) -> Case:
    eval_log(root / "ref.eval")
    bomb_eval(root / "cand.eval")
    return Case(
        ["compare", "ref.eval", "cand.eval"],
        contains=("cand.eval", "member samples/", "expands more than"),
    )


def eval_member_over_cap(root: Path) -> Case:
    eval_log(root / "ref.eval")
    eval_log(root / "cand.eval")
    return Case(
        ["compare", "ref.eval", "cand.eval"],
        env={"FASTMCNEMAR_MAX_MEMBER_BYTES": "2K"},
        contains=("ref.eval", "member header.json", "FASTMCNEMAR_MAX_MEMBER_BYTES"),
    )


def json_document_over_cap(root: Path) -> Case:
    inspect_json_log(root / "ref.json")
    inspect_json_log(root / "cand.json")
    return Case(
        ["compare", "ref.json", "cand.json"],
        env={"FASTMCNEMAR_MAX_JSON_BYTES": "10K"},
        contains=("ref.json", "FASTMCNEMAR_MAX_JSON_BYTES"),
    )


def bad_limit_setting(root: Path) -> Case:
    eval_log(root / "ref.eval")
    eval_log(root / "cand.eval")
    return Case(
        ["compare", "ref.eval", "cand.eval"],
        env={"FASTMCNEMAR_MAX_MEMBER_BYTES": "lots"},
        contains=("FASTMCNEMAR_MAX_MEMBER_BYTES", "'lots'"),
    )


def deep_metric_value(root: Path) -> Case:
    _, cand = lm_eval_runs(root)
    path = one_file(cand, "samples_demo_arith_*.jsonl")
    rewrite_line(path, 3, lambda r: with_raw(r, "exact_match", deep_json()))
    return Case(["compare", "ref", "cand"], contains=(path.name, "line 3", "nested"))


def deep_doc_id(root: Path) -> Case:
    _, cand = lm_eval_runs(root)
    path = one_file(cand, "samples_demo_mc_*.jsonl")
    rewrite_line(path, 2, lambda r: with_raw(r, "doc_id", deep_json()))
    return Case(["compare", "ref", "cand"], contains=(path.name, "line 2", "nested"))


def _legacy_run(run: Path, records: str) -> None:
    run.mkdir()
    results = {
        "results": {"demo": {"acc,none": 0.5, "acc_stderr,none": 0.1}},
        "versions": {"demo": 1.0},
        "config": {"model": "hf", "model_args": "pretrained=m"},
    }
    (run / "results.json").write_text(json.dumps(results))
    (run / "pretrained__m_demo.jsonl").write_text(records)


def deep_legacy_array(root: Path) -> Case:
    good = [{"doc_id": i, "filter": "none", "acc": i % 2} for i in range(6)]
    _legacy_run(root / "ref", json.dumps(good, indent=2))
    bad = json.dumps(good[:3], indent=2)[:-1] + ", " + deep_json() + "]"
    _legacy_run(root / "cand", bad)
    return Case(["compare", "ref", "cand"], contains=("pretrained__m_demo.jsonl", "nested"))


def deep_inspect_json(root: Path) -> Case:
    inspect_json_log(root / "ref.json")

    def deepen(log: dict[str, object]) -> str:
        samples = log["samples"]
        assert isinstance(samples, list)
        samples[1]["scores"] = {"match": {"value": "__RAW__"}}
        return json.dumps(log).replace('"__RAW__"', deep_json())

    inspect_json_log(root / "cand.json", deepen)
    return Case(["compare", "ref.json", "cand.json"], contains=("cand.json", "nested"))


def deep_eval_member(root: Path) -> Case:
    eval_log(root / "ref.eval")
    eval_log(root / "cand.eval", sample_text=lambda s: with_raw(s, "scores", deep_json()))
    return Case(
        ["compare", "ref.eval", "cand.eval"], contains=("cand.eval", "member samples/", "nested")
    )


def deep_results_json(root: Path) -> Case:
    _, cand = lm_eval_runs(root)
    path = one_file(cand, "results_*.json")
    data = json.loads(path.read_text())
    data["config"] = "__RAW__"
    path.write_text(json.dumps(data).replace('"__RAW__"', deep_json()))
    return Case(["compare", "ref", "cand"], contains=(path.name, "nested"))


def deep_model_paths(root: Path) -> Case:
    score_pair(root)
    (root / "model_paths.json").write_text('{"m": ' + deep_json() + "}")
    return Case(["compare", "ref.csv", "model_paths.json"], contains=("model_paths.json", "nested"))


def metric_equals(root: Path) -> Case:
    lm_eval_runs(root)
    return Case(["compare", "ref", "cand", "--metric", "=acc"], contains=("--metric", "=acc"))


def power_huge_n(root: Path) -> Case:
    return Case(
        ["power", "--flip-rate", "0.05", "--n", "4611686018427387904"],
        contains=("2^53", "4611686018427387904"),
        timeout=20,
    )


def power_vanishing_delta(root: Path) -> Case:
    return Case(
        ["power", "--flip-rate", "0.05", "--n", "100", "--delta", "1e-9"],
        contains=("2^53",),
        timeout=30,
    )


def power_window_too_wide(root: Path) -> Case:
    # Allowed by the 2^53 rule, but the exact power's window would hold ~8e8 counts (13 GB).
    return Case(
        ["power", "--flip-rate", "0.5", "--n", "9007199254740992"],
        contains=("9007199254740992", "2^23", "flip rate 0.5"),
        timeout=20,
    )


def power_sample_size_beyond_search(root: Path) -> Case:
    # About 3.1e10 samples: the exact search (O(N)) stops at 2^31 and names the approximation.
    return Case(
        ["power", "--flip-rate", "0.5", "--n", "1000", "--delta", "0.00001"],
        contains=("3.091e10", "2^31"),
        timeout=20,
    )


def _fifo(path: Path) -> None:
    if path.exists():
        path.unlink()
    os.mkfifo(path)


def fifo_samples_file(root: Path) -> Case:
    _, cand = lm_eval_runs(root)
    path = one_file(cand, "samples_demo_arith_*.jsonl")
    _fifo(path)
    return Case(["compare", "ref", "cand"], contains=(path.name, "FIFO"), timeout=30)


def fifo_results_file(root: Path) -> Case:
    _, cand = lm_eval_runs(root)
    path = one_file(cand, "results_*.json")
    _fifo(path)
    return Case(["compare", "ref", "cand"], contains=(path.name, "FIFO"), timeout=30)


def fifo_score_file(root: Path) -> Case:
    score_pair(root)
    _fifo(root / "pipe.csv")
    return Case(["compare", "ref.csv", "pipe.csv"], contains=("pipe.csv", "FIFO"), timeout=30)


def fifo_in_score_folder(root: Path) -> Case:
    (root / "ref").mkdir()
    (root / "cand").mkdir()
    score_csv(root / "ref" / "arith.csv", [("arith", str(i), "1") for i in range(10)])
    score_csv(root / "cand" / "arith.csv", [("arith", str(i), "1") for i in range(10)])
    _fifo(root / "cand" / "mul.csv")
    return Case(["compare", "ref", "cand"], contains=("mul.csv", "FIFO"), timeout=30)


def fifo_inspect_log(root: Path) -> Case:
    inspect_json_log(root / "ref.json")
    (root / "logs").mkdir()
    inspect_json_log(root / "logs" / "a.json")
    _fifo(root / "logs" / "b.eval")
    return Case(["compare", "ref.json", "logs"], contains=("b.eval", "FIFO"), timeout=30)


def _edit_results(root: Path, edit: Callable[[dict[str, object]], object]) -> Path:
    _, cand = lm_eval_runs(root)
    path = one_file(cand, "results_*.json")
    path.write_text(json.dumps(edit(json.loads(path.read_text()))))
    return path


def results_is_list(root: Path) -> Case:
    path = _edit_results(root, lambda d: [d])
    return Case(["compare", "ref", "cand"], contains=(path.name, "JSON object", "a list"))


def results_null(root: Path) -> Case:
    path = _edit_results(root, lambda d: {**d, "results": None})
    return Case(["compare", "ref", "cand"], contains=(path.name, "'results'", "null"))


def configs_wrong_type(root: Path) -> Case:
    path = _edit_results(root, lambda d: {**d, "configs": ["demo_mc"]})
    return Case(["compare", "ref", "cand"], contains=(path.name, "'configs'", "a list"))


def group_subtasks_wrong_type(root: Path) -> Case:
    path = _edit_results(root, lambda d: {**d, "group_subtasks": {"demo_group": "demo_mc"}})
    return Case(
        ["compare", "ref", "cand"], contains=(path.name, "group_subtasks.demo_group", "str")
    )


def audit_jobs_zero(root: Path) -> Case:
    lm_eval_runs(root)
    return Case(["audit", "ref", "cand", "--jobs", "0"], contains=("--jobs", "from 1 to"))


def audit_jobs_negative(root: Path) -> Case:
    lm_eval_runs(root)
    return Case(["audit", "ref", "cand", "-j", "-3"], contains=("--jobs", "-3"))


def scores_in_percent(root: Path) -> Case:
    score_csv(root / "ref.csv", [("arith", f"d{i}", "76.5") for i in range(10)])
    score_csv(root / "cand.csv", [("arith", f"d{i}", "70") for i in range(10)])
    return Case(
        ["compare", "ref.csv", "cand.csv"],
        contains=("ref.csv", "row 1", "doc_id 'd0'", "76.5", "--scale 100"),
    )


def scale_outside_after_division(root: Path) -> Case:
    score_csv(root / "ref.csv", [("arith", f"d{i}", "1") for i in range(10)])
    score_csv(root / "cand.csv", [("arith", f"d{i}", "250" if i == 4 else "1") for i in range(10)])
    return Case(
        ["compare", "ref.csv", "cand.csv", "--scale", "100"],
        contains=("cand.csv", "row 5", "doc_id 'd4'", "250", "--scale 100"),
    )


def nan_in_score_csv(root: Path) -> Case:
    score_csv(root / "ref.csv", [("arith", f"d{i}", "1") for i in range(10)])
    score_csv(root / "cand.csv", [("arith", f"d{i}", "nan" if i == 2 else "1") for i in range(10)])
    return Case(
        ["compare", "ref.csv", "cand.csv"],
        contains=("cand.csv", "row 3", "doc_id 'd2'", "'score'", "NaN"),
    )


def empty_score_in_csv(root: Path) -> Case:
    score_csv(root / "ref.csv", [("arith", f"d{i}", "1") for i in range(10)])
    score_csv(root / "cand.csv", [("arith", f"d{i}", "" if i == 6 else "1") for i in range(10)])
    return Case(
        ["compare", "ref.csv", "cand.csv"], contains=("cand.csv", "row 7", "doc_id 'd6'", "missing")
    )


def non_numeric_score_late(root: Path) -> Case:
    score_csv(root / "ref.csv", [("arith", f"d{i}", "1") for i in range(15_000)])
    rows = [("arith", f"d{i}", "oops" if i == 14_999 else "1") for i in range(15_000)]
    score_csv(root / "cand.csv", rows)
    return Case(
        ["compare", "ref.csv", "cand.csv"],
        contains=("cand.csv", "row 15000 (line 15001)", "doc_id 'd14999'", "'oops'"),
    )


def ragged_row(root: Path) -> Case:
    score_csv(root / "ref.csv", [("arith", f"d{i}", "1") for i in range(10)])
    path = score_csv(root / "cand.csv", [("arith", f"d{i}", "1") for i in range(10)])
    lines = path.read_text().splitlines()
    lines[3] += ",extra"
    path.write_text("\n".join(lines) + "\n")
    return Case(["compare", "ref.csv", "cand.csv"], contains=("cand.csv", "line 4", "4 fields"))


def line_without_doc_id(root: Path) -> Case:
    _, cand = lm_eval_runs(root)
    path = one_file(cand, "samples_demo_mc_*.jsonl")
    rewrite_line(path, 5, lambda r: json.dumps({k: v for k, v in r.items() if k != "doc_id"}))
    return Case(["compare", "ref", "cand"], contains=(path.name, "line 5", "doc_id"))


def eval_not_a_zip(root: Path) -> Case:
    eval_log(root / "ref.eval")
    (root / "cand.eval").write_text("this is not an Inspect log\n")
    return Case(["compare", "ref.eval", "cand.eval"], contains=("cand.eval", "not a zip"))


def eval_truncated(root: Path) -> Case:
    eval_log(root / "ref.eval")
    data = eval_log(root / "full.eval").read_bytes()
    (root / "full.eval").unlink()
    (root / "cand.eval").write_bytes(data[: len(data) // 2])
    return Case(["compare", "ref.eval", "cand.eval"], contains=("cand.eval", "truncated"))


def eval_corrupt_member(root: Path) -> Case:
    eval_log(root / "ref.eval")
    data = bytearray(eval_log(root / "cand.eval").read_bytes())
    start = data.find(b"samples/") + 40  # inside the first sample's compressed data
    data[start : start + 64] = bytes(64)
    (root / "cand.eval").write_bytes(bytes(data))
    return Case(["compare", "ref.eval", "cand.eval"], contains=("cand.eval", "member samples/"))


def threads_env_zero(root: Path) -> Case:
    lm_eval_runs(root)
    return Case(
        ["compare", "ref", "cand"],
        env={"FASTMCNEMAR_NUM_THREADS": "0"},
        contains=("FASTMCNEMAR_NUM_THREADS",),
        absent=("samples_",),
    )


def threads_env_huge(root: Path) -> Case:
    """A million threads would take minutes to start and ignore Ctrl-C: refused at once."""
    lm_eval_runs(root)
    return Case(
        ["compare", "ref", "cand"],
        env={"FASTMCNEMAR_NUM_THREADS": "1000000"},
        contains=("FASTMCNEMAR_NUM_THREADS", "1000000"),
        absent=("samples_",),
        timeout=30,
    )


def input_is_device(root: Path) -> Case:
    score_pair(root)
    return Case(
        ["compare", "ref.csv", "/dev/zero"], contains=("/dev/zero", "character device"), timeout=30
    )


def unreadable_utf8_csv(root: Path) -> Case:
    score_pair(root)
    (root / "cand.csv").write_bytes(b"task,doc_id,score\narith,d0,1\narith,\xff\xfe,1\n")
    return Case(["compare", "ref.csv", "cand.csv"], contains=("cand.csv",))


#: Every case, by name.
CASES: dict[str, Callable[[Path], Case]] = {
    f.__name__: f
    for f in (
        output_is_samples_file,
        output_is_results_file,
        output_is_input_file,
        output_symlink_to_input,
        output_beside_results_file,
        shrink_output_inside_run,
        output_dev_full,
        power_output_dev_full,
        output_missing_dir,
        eval_zip_bomb,
        eval_member_over_cap,
        json_document_over_cap,
        bad_limit_setting,
        deep_metric_value,
        deep_doc_id,
        deep_legacy_array,
        deep_inspect_json,
        deep_eval_member,
        deep_results_json,
        deep_model_paths,
        metric_equals,
        power_huge_n,
        power_vanishing_delta,
        power_window_too_wide,
        power_sample_size_beyond_search,
        fifo_samples_file,
        fifo_results_file,
        fifo_score_file,
        fifo_in_score_folder,
        fifo_inspect_log,
        results_is_list,
        results_null,
        configs_wrong_type,
        group_subtasks_wrong_type,
        audit_jobs_zero,
        audit_jobs_negative,
        scores_in_percent,
        scale_outside_after_division,
        nan_in_score_csv,
        empty_score_in_csv,
        non_numeric_score_late,
        ragged_row,
        line_without_doc_id,
        eval_not_a_zip,
        eval_truncated,
        eval_corrupt_member,
        threads_env_zero,
        threads_env_huge,
        input_is_device,
        unreadable_utf8_csv,
    )
}


def main(out: str) -> None:
    for name, build in CASES.items():
        folder = Path(out) / name
        folder.mkdir(parents=True)
        case = build(folder)
        print(f"{name}: fastmcnemar {' '.join(case.argv)}")


if __name__ == "__main__":
    main(sys.argv[1])
