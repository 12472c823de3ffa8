"""Benchmark: reading lm-eval samples files of realistic size, against a plain json loop and cat.

Writes lm-eval-shaped ``samples_<task>_<date>.jsonl`` files (few-shot prompt text, doc,
arguments, responses, hashes, two filters per doc, as lm-eval 0.4.9 writes them) totalling
``--gigabytes`` (default 1.0) in a temporary directory, then measures in one run, each in its
own subprocess (so peak RSS is that method's own):

- ``cat files > /dev/null``: the ceiling (page cache warm),
- ``fastmcnemar.read_lm_eval(dir)`` (all cores, and one thread),
- a plain ``json.loads`` loop extracting the same fields,
- the same loop with ``orjson.loads`` (the fastest per-line JSON parser on PyPI),
- ``polars.read_ndjson`` per file with a schema of just the needed columns (doc id,
  filter, the three hashes, the metric), which it can here because the metric's name
  is known in advance and every line has the same fields (real lm-eval files name
  their metrics per task, which ``read_lm_eval`` finds from the first line).

Each method runs ``--runs`` times (default 3), interleaved; the table shows medians.
Prints rows/s, MB/s and peak RSS, and deletes the files afterwards.

Usage: ``.venv/bin/python benches/bench_ingest.py [--gigabytes 1.0] [--runs 3] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATE_ID = "2026-01-01T00-00-00.000001"
FILTERS = ("strict-match", "flexible-extract")


def _fewshot(rng: random.Random) -> str:
    words = ["the", "of", "a", "to", "and", "in", "is", "that", "for", "it", "was", "on"]
    shots = []
    for _ in range(5):
        question = " ".join(rng.choice(words) for _ in range(60)).capitalize() + "?"
        answer = " ".join(rng.choice(words) for _ in range(50)) + f". #### {rng.randint(1, 999)}"
        shots.append(f"Question: {question}\nAnswer: {answer}")
    return "\n\n".join(shots)


def write_files(root: Path, target_bytes: int) -> tuple[int, int]:
    """Write samples files until ``target_bytes``; returns (rows, bytes)."""
    rng = random.Random(0)
    model_dir = root / "org__model"
    model_dir.mkdir(parents=True)
    prefix = _fewshot(rng)
    rows = 0
    written = 0
    task_index = 0
    per_file = 160 * 1024 * 1024
    while written < target_bytes:
        task = f"bench_task_{task_index:02d}"
        path = model_dir / f"samples_{task}_{DATE_ID}.jsonl"
        file_bytes = 0
        doc_id = 0
        with path.open("w", encoding="utf-8") as fh:
            while file_bytes < per_file and written + file_bytes < target_bytes:
                question = f"A train leaves at {doc_id % 24}:00 and travels {doc_id % 97} miles..."
                doc = {"question": question, "answer": f"It arrives later. #### {doc_id % 97}"}
                context = f"{prefix}\n\nQuestion: {question}\nAnswer:"
                doc_hash = hashlib.sha256(json.dumps(doc, indent=2).encode()).hexdigest()
                prompt_hash = hashlib.sha256(context.encode()).hexdigest()
                target_hash = hashlib.sha256(doc["answer"].encode()).hexdigest()
                for filt in FILTERS:
                    record = {
                        "doc_id": doc_id,
                        "doc": doc,
                        "target": doc["answer"],
                        "arguments": {
                            "gen_args_0": {
                                "arg_0": context,
                                "arg_1": {"until": ["Question:", "</s>"], "do_sample": False},
                            }
                        },
                        "resps": [[f"Let me think step by step. ... #### {doc_id % 97}"]],
                        "filtered_resps": [str(doc_id % 97)],
                        "filter": filt,
                        "metrics": ["exact_match"],
                        "doc_hash": doc_hash,
                        "prompt_hash": prompt_hash,
                        "target_hash": target_hash,
                        "exact_match": float(rng.random() < 0.7),
                    }
                    line = json.dumps(record, ensure_ascii=False) + "\n"
                    fh.write(line)
                    file_bytes += len(line.encode("utf-8"))
                    rows += 1
                doc_id += 1
        written += file_bytes
        task_index += 1
    results = {
        "results": {
            f"bench_task_{i:02d}": {"exact_match,strict-match": 0.7} for i in range(task_index)
        },
        "model_name": "org/model",
        "config": {"model": "hf", "model_args": "pretrained=org/model"},
    }
    (model_dir / f"results_{DATE_ID}.json").write_text(json.dumps(results))
    return rows, written


# ----------------------------------------------------------------------------- children


def child_read(folder: str) -> int:
    from fastmcnemar import read_lm_eval  # imported before the clock starts (see run_child)

    frame = read_lm_eval(folder)
    return int(frame.height)


def child_json(folder: str) -> int:
    keep = ("doc_id", "filter", "doc_hash", "prompt_hash", "target_hash", "exact_match")
    out: list[tuple[object, ...]] = []
    for path in sorted(Path(folder).rglob("samples_*.jsonl")):
        with path.open("rb") as fh:
            for line in fh:
                record = json.loads(line)
                out.append(tuple(record.get(k) for k in keep))
    return len(out)


def child_orjson(folder: str) -> int:
    import orjson

    keep = ("doc_id", "filter", "doc_hash", "prompt_hash", "target_hash", "exact_match")
    out: list[tuple[object, ...]] = []
    for path in sorted(Path(folder).rglob("samples_*.jsonl")):
        with path.open("rb") as fh:
            for line in fh:
                record = orjson.loads(line)
                out.append(tuple(record.get(k) for k in keep))
    return len(out)


def child_polars(folder: str) -> int:
    import polars as pl

    schema = {
        "doc_id": pl.Int64,
        "filter": pl.Utf8,
        "doc_hash": pl.Utf8,
        "prompt_hash": pl.Utf8,
        "target_hash": pl.Utf8,
        "exact_match": pl.Float64,
    }
    frames = [
        pl.read_ndjson(path, schema=schema)
        for path in sorted(Path(folder).rglob("samples_*.jsonl"))
    ]
    return int(sum(frame.height for frame in frames))


def child_cat(folder: str) -> int:
    files = sorted(str(p) for p in Path(folder).rglob("samples_*.jsonl"))
    with open(os.devnull, "wb") as sink:
        subprocess.run(["cat", *files], stdout=sink, check=True)
    return 0


CHILDREN = {
    "read_lm_eval": child_read,
    "read_lm_eval/1thr": child_read,  # FASTMCNEMAR_NUM_THREADS=1: CPU cost per GB
    "json.loads loop": child_json,
    "orjson loop": child_orjson,
    "polars.read_ndjson": child_polars,
    "cat > /dev/null": child_cat,
}


_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {here!r})
import bench_ingest as b
# Import cost is not reading cost: load what every method uses before the clock.
import fastmcnemar, orjson, polars
fastmcnemar.read_lm_eval

def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime

rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
c0, t0 = cpu(), time.perf_counter()
n = b.CHILDREN[{name!r}]({folder!r})
wall, used = time.perf_counter() - t0, cpu() - c0
rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps([wall, used, n, rss / 1024, rss0 / 1024]))
"""


def run_child(name: str, folder: str) -> tuple[float, float, int, float, float]:
    """(wall s, CPU s, rows, peak RSS MB, RSS after imports MB) of one method, fresh process."""
    code = _CHILD.format(here=str(Path(__file__).resolve().parent), name=name, folder=folder)
    env = dict(os.environ)
    if name.endswith("/1thr"):
        env["FASTMCNEMAR_NUM_THREADS"] = "1"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    wall, used, rows, rss, base = json.loads(proc.stdout.strip().splitlines()[-1])
    return float(wall), float(used), int(rows), float(rss), float(base)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs per method")
    parser.add_argument("--keep", help="write the files here and keep them")
    args = parser.parse_args()
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="fastmcnemar-bench-"))
    try:
        t0 = time.perf_counter()
        rows, size = write_files(root, int(args.gigabytes * 1e9))
        print(
            f"wrote {size / 1e6:.0f} MB, {rows} lines ({size / rows:.0f} B/line) in "
            f"{time.perf_counter() - t0:.1f} s to {root}"
        )
        folder = str(root)
        run_child("cat > /dev/null", folder)  # warm the page cache
        runs: dict[str, list[tuple[float, float, int, float, float]]] = {n: [] for n in CHILDREN}
        for _ in range(args.runs):
            for name in CHILDREN:
                runs[name].append(run_child(name, folder))
        results = {}
        for name, measured in runs.items():
            # Median by wall time; that run's CPU and RSS.
            results[name] = sorted(measured)[len(measured) // 2]
        ceiling = results["cat > /dev/null"][0]
        json_loop = results["json.loads loop"][0]
        load = os.getloadavg()[0]
        print(
            f"\n{os.cpu_count()} cores, load average {load:.1f} while measuring; "
            f"medians of {args.runs} interleaved runs"
        )
        print(
            f"{'method':<19} {'wall s':>7} {'CPU s':>6} {'rows/s':>10} {'MB/s':>6} "
            f"{'peak RSS':>9} {'(imports)':>9}  vs cat  vs json"
        )
        for name, (wall, used, n, rss, base) in results.items():
            shown_rows = n or rows
            print(
                f"{name:<19} {wall:7.2f} {used:6.2f} {shown_rows / wall:10.0f} "
                f"{size / 1e6 / wall:6.0f} {rss:6.0f} MB {base:6.0f} MB  "
                f"{wall / ceiling:5.1f}x  {json_loop / wall:5.1f}x"
            )
        n_read = results["read_lm_eval"][2]
        assert n_read == rows, (n_read, rows)
        print(f"\nread_lm_eval kept {n_read} rows (one per doc, filter and metric) of 10 columns")
        ours = results["read_lm_eval"][0]
        for goal, met in (
            ("within 3x of cat", ours <= 3 * ceiling),
            ("at least 10x faster than the json loop", json_loop >= 10 * ours),
        ):
            print(f"target {goal}: {'met' if met else 'MISSED'}")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
