"""Benchmark: ``fastmcnemar audit`` on a realistic lm-eval corpus, beside cat and a plain script.

Writes (once, kept under ``--root``) a reference and K candidate runs as lm-eval 0.4.9 writes
them with ``--log_samples`` (see ``audit_corpus.py``: 60 tasks, 40 multiple-choice and 20
generation tasks with two filters, 1,000 docs each, about 3 KB per line with the five-shot
prompt, about 257 MB and 80,000 lines per run, a ``results_*.json`` per run). Only
``--distinct`` candidate runs are written; the rest are hard links to them (same bytes, no
extra disk). Then, for K = 10 and 50 (``--k 500`` adds 500), measures in one run, each in
its own process so peak RSS is that method's own, ``--repeats`` times interleaved:

- ``cat`` of every samples file of the reference and the K candidates (the ceiling; through
  ``xargs``, as 500 candidates' paths do not fit one command line);
- ``fastmcnemar audit REF CANDIDATES --format json -o FILE`` (the CLI, process start included);
- a plain script: ``polars.read_ndjson`` of doc_id, filter and the primary metric of every
  file, a join per task, and one ``fastmcnemar.mcnemar_counts`` call over all (candidate,
  task) pairs plus Holm per candidate (what a user could write in 40 lines; no checks).

and then ``fastmcnemar compare`` of the reference and one candidate with the flipped
samples' texts (what a CI gate pays per call) against ``cat`` of both runs.

and prints the medians of wall time, CPU time (user + system, children included) and peak
RSS, with audit / cat and per-candidate figures. Then the in-memory targets, medians of
``--repeats`` runs in this process: ``compare`` of two score frames with 60 tasks x 500
samples (target < 10 ms) and ``audit`` of 200 candidate frames x 60 tasks x 1,000 samples
(target < 2 s).

Usage: ``.venv/bin/python benches/bench_audit.py [--k 500] [--root DIR] [--repeats 3]``
(``--skip-files`` / ``--skip-memory`` run one half; ``--k 500 --only`` only K = 500).
``--engine ray|dask|all`` times the audit on Ray and Dask instead (``bench_scaleout.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import audit_corpus
from bytecode import compile_package

# The plain peer: read the primary metric of every file with polars, pair per task with a
# join, test every (candidate, task) pair with one mcnemar_counts call, Holm per candidate.
PLAIN_SCRIPT = r"""
import sys
from pathlib import Path
import numpy as np
import polars as pl
from fastmcnemar import adjust_pvalues, mcnemar_counts

PRIMARY = {"mc": ("acc", "none"), "gen": ("exact_match", "strict-match")}

def read_run(folder):
    out = {}
    for path in sorted(Path(folder).rglob("samples_*.jsonl")):
        task = path.name.split("_2026")[0][len("samples_"):]
        metric, filt = PRIMARY[task.split("_")[0]]
        frame = pl.read_ndjson(path, schema={"doc_id": pl.Int64, "filter": pl.Utf8,
                                             metric: pl.Float64})
        out[task] = frame.filter(pl.col("filter") == filt).select("doc_id",
                                                                  pl.col(metric).alias("s"))
    return out

reference = read_run(sys.argv[1])
candidates = sorted(p for p in Path(sys.argv[2]).iterdir() if p.is_dir())
b, c = [], []
for folder in candidates:
    run = read_run(folder)
    for task, ref in reference.items():
        pairs = ref.join(run[task], on="doc_id", suffix="_c")
        b.append(int(((pairs["s"] == 1) & (pairs["s_c"] == 0)).sum()))
        c.append(int(((pairs["s"] == 0) & (pairs["s_c"] == 1)).sum()))
p = mcnemar_counts(np.array(b), np.array(c)).pvalue.reshape(len(candidates), -1)
degraded = [bool((adjust_pvalues(row) <= 0.05).any()) for row in p]
print(sum(degraded), "of", len(candidates), "candidates with a Holm-significant task")
"""

_MEASURE = r"""
import json, resource, subprocess, sys, time
cmd = json.loads(sys.stdin.read())
t0 = time.perf_counter()
with open("/dev/null", "wb") as sink:
    code = subprocess.run(cmd, stdout=sink).returncode
wall = time.perf_counter() - t0
if code not in (0, 1):  # the audit CLI exits 1 for "degraded"
    sys.exit(code)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024]))
"""


def measure(cmd: list[str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of ``cmd`` run in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE],
        input=json.dumps(cmd),
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu, rss = json.loads(out.stdout.strip().splitlines()[-1])
    return float(wall), float(cpu), float(rss)


def files_benchmark(root: Path, ks: list[int], repeats: int, distinct: int) -> list[str]:
    lines = []
    # Median wall time of each method at each K, for the fit of time against K.
    walls: dict[str, dict[int, float]] = {}
    t0 = time.perf_counter()
    ref, _, size = audit_corpus.write_corpus(root, max(ks), distinct=distinct)
    print(
        f"corpus under {root}: {size / 1e6:.0f} MB of samples per run, "
        f"{max(ks)} candidates ({distinct} written, the rest hard links), "
        f"ready in {time.perf_counter() - t0:.0f} s"
    )
    for k in ks:
        # A candidates folder holding exactly the first k candidate runs (hard links).
        folder = root / f"audit-{k}"
        if not folder.exists():
            for i in range(k):
                source = root / "candidates" / f"ckpt-{i:04d}"
                for file in source.rglob("*"):
                    if file.is_file():
                        target = folder / file.relative_to(root / "candidates")
                        target.parent.mkdir(parents=True, exist_ok=True)
                        os.link(file, target)
        runs = [ref, *sorted(folder.iterdir())]
        files = audit_corpus.samples_files(runs)
        scratch = Path(tempfile.mkdtemp(prefix="fastmcnemar-audit-"))
        out = scratch / "audit.json"
        # xargs: K = 500 lists more paths than one command line holds.
        listing = scratch / "files"
        listing.write_bytes(b"\0".join(f.encode() for f in files))
        commands = {
            "cat": ["xargs", "-0", "-a", str(listing), "cat"],
            "fastmcnemar audit": [
                sys.executable,
                "-m",
                "fastmcnemar",
                "audit",
                str(ref),
                str(folder),
                "--format",
                "json",
                "-o",
                str(out),
            ],
            "plain polars+mcnemar_counts": [
                sys.executable,
                "-c",
                PLAIN_SCRIPT,
                str(ref),
                str(folder),
            ],
        }
        measure(commands["cat"])  # warm the page cache
        results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        for _ in range(repeats):
            for name, cmd in commands.items():
                results[name].append(measure(cmd))
        total_mb = size * (k + 1) / 1e6
        cat_wall = statistics.median(r[0] for r in results["cat"])
        lines.append(
            f"\nK = {k} candidates + reference: {len(files)} files, {total_mb / 1e3:.1f} GB; "
            f"medians of {repeats} interleaved runs; {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        lines.append(
            f"{'method':<28} {'wall s':>7} {'CPU s':>7} {'GB/s':>6} {'peak RSS':>9} "
            f"{'vs cat':>7} {'CPU s/cand':>10}"
        )
        for name, rows in results.items():
            wall = statistics.median(r[0] for r in rows)
            walls.setdefault(name, {})[k] = wall
            cpu = statistics.median(r[1] for r in rows)
            rss = statistics.median(r[2] for r in rows)
            lines.append(
                f"{name:<28} {wall:7.2f} {cpu:7.2f} {total_mb / 1e3 / wall:6.2f} "
                f"{rss:6.0f} MB {wall / cat_wall:6.1f}x {cpu / k:10.3f}"
            )
        print("\n".join(lines[-2 - len(results) :]), flush=True)
    if len(ks) > 1:
        lines.extend(linear_fit(walls))
        print("\n".join(lines[-1 - len(walls) :]), flush=True)
    return lines


def compare_benchmark(root: Path, repeats: int) -> list[str]:
    """``fastmcnemar compare`` of the reference and one candidate, the flipped samples'
    texts included (about 950 flips), against ``cat`` of both runs' samples files: what a
    CI gate pays per call. Medians of interleaved runs (at least 9: a call takes ~1 s)."""
    ref, cand = root / "reference", root / "candidates" / "ckpt-0000"
    scratch = Path(tempfile.mkdtemp(prefix="fastmcnemar-compare-"))
    listing = scratch / "files"
    files = audit_corpus.samples_files([ref, cand])
    listing.write_bytes(b"\0".join(f.encode() for f in files))
    commands = {
        "cat": ["xargs", "-0", "-a", str(listing), "cat"],
        "fastmcnemar compare (texts)": [
            sys.executable, "-m", "fastmcnemar", "compare", str(ref), str(cand),
            "--format", "json", "-o", str(scratch / "compare.json"),
        ],
    }  # fmt: skip
    measure(commands["cat"])  # warm the page cache
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
    for _ in range(max(9, repeats)):
        for name, cmd in commands.items():
            results[name].append(measure(cmd))
    flips = len(json.loads((scratch / "compare.json").read_text())["flips"])
    cat_wall = statistics.median(r[0] for r in results["cat"])
    lines = [
        f"\ncompare, reference + 1 candidate ({len(files)} files, {flips} flipped samples with "
        f"texts); medians of {max(9, repeats)} interleaved runs",
        f"{'method':<28} {'wall s':>7} {'CPU s':>7} {'peak RSS':>9} {'vs cat':>7}",
    ]
    for name, rows in results.items():
        wall = statistics.median(r[0] for r in rows)
        cpu = statistics.median(r[1] for r in rows)
        rss = statistics.median(r[2] for r in rows)
        lines.append(f"{name:<28} {wall:7.2f} {cpu:7.2f} {rss:6.0f} MB {wall / cat_wall:6.1f}x")
    print("\n".join(lines), flush=True)
    return lines


def linear_fit(walls: dict[str, dict[int, float]]) -> list[str]:
    """Wall time = fixed + K x per-candidate, least squares over the K measured: the
    per-candidate slope is the audit's steady speed against ``cat`` reading one more run,
    the fixed part is what any K pays (process start, imports, the reference)."""
    lines = [f"\nwall time against K (least squares over K = {', '.join(map(str, walls['cat']))})"]
    cat_slope = _fit(walls["cat"])[1]
    for name, by_k in walls.items():
        fixed, slope = _fit(by_k)
        lines.append(
            f"{name:<28} fixed {fixed:6.2f} s + {slope * 1e3:6.1f} ms per candidate "
            f"({slope / cat_slope:4.1f}x cat's per run)"
        )
    return lines


def _fit(by_k: dict[int, float]) -> tuple[float, float]:
    """(intercept, slope) of the least-squares line through (K, wall)."""
    slope, intercept = statistics.linear_regression(list(by_k), list(by_k.values()))
    return intercept, slope


def memory_benchmark(repeats: int) -> list[str]:
    import numpy as np
    import polars as pl

    import fastmcnemar as fm

    def frame(model: str, tasks: int, docs: int, seed: int, flip: float) -> pl.DataFrame:
        base = np.random.default_rng(0).random((tasks, docs)) < 0.6
        flips = np.random.default_rng(seed).random((tasks, docs)) < flip
        n = tasks * docs
        none = pl.Series([None] * n, dtype=pl.Utf8)
        return pl.DataFrame(
            {
                "model": [model] * n,
                "task": np.repeat([f"task_{i:02d}" for i in range(tasks)], docs),
                "filter": ["none"] * n,
                "metric": ["acc"] * n,
                "doc_id": np.tile(np.arange(docs).astype(str), tasks),
                "score": np.where(flips, ~base, base).astype(np.float64).ravel(),
                "doc_hash": none,
                "prompt_hash": none,
                "target_hash": none,
                "source": ["memory"] * n,
            }
        )

    def timed(call: object, times: int) -> tuple[float, float]:
        walls, cpus = [], []
        for _ in range(times):
            c0, t0 = time.process_time(), time.perf_counter()
            call()  # type: ignore[operator]
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        return statistics.median(walls), statistics.median(cpus)

    lines = ["\nin memory (medians; CPU = this process, all threads)"]
    ref, cand = frame("ref", 60, 500, 0, 0.0), frame("cand", 60, 500, 1, 0.03)
    for _ in range(5):  # warm: the first calls build caches and fault in the pool's pages
        fm.compare(ref, cand)
    # A call takes ~10 ms: 41 of them give a median that one slow call cannot move.
    wall, cpu = timed(lambda: fm.compare(ref, cand), max(41, repeats))
    lines.append(
        f"compare, 2 frames x 60 tasks x 500 samples: {wall * 1e3:7.1f} ms wall "
        f"{cpu * 1e3:7.1f} ms CPU  (target < 10 ms: {'met' if wall < 0.01 else 'MISSED'})"
    )
    ref = frame("ref", 60, 1000, 0, 0.0)
    cands = {f"c{i:03d}": frame(f"c{i:03d}", 60, 1000, i + 1, 0.03) for i in range(200)}
    wall, cpu = timed(lambda: fm.audit(ref, cands), repeats)
    lines.append(
        f"audit, 200 frames x 60 tasks x 1000 samples: {wall:7.2f} s wall {cpu:7.2f} s CPU  "
        f"(target < 2 s: {'met' if wall < 2 else 'MISSED'})"
    )
    print("\n".join(lines), flush=True)
    return lines


def main() -> None:
    compile_package()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, action="append", help="candidate counts (10 and 50)")
    parser.add_argument("--root", default=str(Path(tempfile.gettempdir()) / "fmn-audit-bench"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--distinct", type=int, default=10, help="candidate runs written")
    parser.add_argument("--only", action="store_true", help="only the --k counts given")
    parser.add_argument("--skip-files", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument(
        "--engine",
        choices=("ray", "dask", "all"),
        help="time the audit on Ray / Dask (1 and 2 workers, local disk and a local S3 server) "
        "against the local engine instead: benches/bench_scaleout.py, which takes the rest",
    )
    args, rest = parser.parse_known_args()
    if args.engine:
        import bench_scaleout

        bench_scaleout.main(["--engine", args.engine, "--repeats", str(args.repeats), *rest])
        return
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    ks = sorted(set(([] if args.only and args.k else [10, 50]) + (args.k or [])))
    if not args.skip_files:
        files_benchmark(Path(args.root), ks, args.repeats, args.distinct)
        compare_benchmark(Path(args.root), args.repeats)
    if not args.skip_memory:
        memory_benchmark(args.repeats)


if __name__ == "__main__":
    main()
