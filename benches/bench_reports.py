"""Reading Inspect logs and lighteval details, and rendering HTML reports.

Side by side with what a user of those harnesses does today: Inspect's own
``read_eval_log`` plus a loop over samples with its ``value_to_float``, and
lighteval's own way of loading details (``datasets`` parquet) plus a loop over
rows. Needs the 'harness' extra. Usage: ``python benches/bench_reports.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "harness"))
sys.path.insert(0, str(HERE.parent / "tests" / "reports"))


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def row(what: str, ours: float, theirs: float | None, peer: str) -> None:
    ratio = f"{theirs / ours:6.1f}x" if theirs else "     -"
    other = f"{theirs * 1e3:10.1f}" if theirs else "         -"
    print(f"{what:<44} {ours * 1e3:10.1f} {other}  {ratio}  {peer}")


def bench_inspect(tmp: Path, n_samples: int) -> None:
    from inspect_ai.log import read_eval_log, read_eval_log_sample_summaries, write_eval_log
    from inspect_ai.scorer import value_to_float
    from inspect_mock import run_inspect_pair

    import fastmcnemar

    runs = run_inspect_pair(tmp / "small")
    log = runs.reference_log
    template = log.samples[0]
    samples = []
    for i in range(n_samples):
        value = "C" if i % 7 else "I"
        scores = {"match": template.scores["match"].model_copy(update={"value": value})}
        samples.append(template.model_copy(update={"id": i + 1, "epoch": 1, "scores": scores}))
    big = log.model_copy(update={"samples": samples, "reductions": None})
    to_float = value_to_float()
    for suffix in ("eval", "json"):
        path = tmp / f"big.{suffix}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            write_eval_log(big, str(path), format=suffix)  # type: ignore[arg-type]

        def by_hand(p: Path = path, to_float: Any = to_float) -> list[Any]:
            read = read_eval_log(str(p))
            return [(s.id, s.epoch, to_float(s.scores["match"].value)) for s in read.samples or []]

        ours = best_of(lambda p=path: fastmcnemar.read_inspect(p))
        theirs = best_of(by_hand, repeat=1)
        row(f"Inspect .{suffix}, {n_samples:,} samples", ours, theirs, "read_eval_log + loop")
        if suffix == "eval":

            def summaries(p: Path = path, to_float: Any = to_float) -> list[Any]:
                found = read_eval_log_sample_summaries(str(p))
                return [(s.id, s.epoch, to_float(s.scores["match"].value)) for s in found]

            theirs = best_of(summaries, repeat=1)
            row("  (same file)", ours, theirs, "read_eval_log_sample_summaries + loop")


def bench_lighteval(tmp: Path, n_rows: int) -> None:
    from datasets import Dataset
    from lighteval_details import write_run

    import fastmcnemar

    details = write_run(
        tmp / "lighteval", "org/m", "2025-11-05T14-43-47.148527", "arc:easy|0",
        [i % 5 != 0 for i in range(n_rows)],
    )  # fmt: skip

    def by_hand() -> list[tuple[str, float]]:
        data = Dataset.from_parquet(str(details))
        return [(r["doc"]["id"], float(r["metric"]["acc"])) for r in data]  # type: ignore[index]

    ours = best_of(lambda: fastmcnemar.read_lighteval(details))
    theirs = best_of(by_hand, repeat=1)
    row(f"lighteval details, {n_rows:,} rows", ours, theirs, "datasets parquet + loop")


def bench_html() -> None:
    import polars as pl
    from report_fixtures import make_audit, make_comparison

    from fastmcnemar.compare.results import Audit

    comp = make_comparison()
    many = comp.tasks
    for k in range(11):  # 60 tasks
        many = pl.concat([many, comp.tasks.with_columns(pl.col("task") + f"_{k}")])
    from dataclasses import replace

    big = replace(comp, tasks=many.head(60))
    row("HTML comparison, 60 tasks", best_of(big.to_html), None, "")
    audit = make_audit()
    comparisons = {f"ckpt-{i}": big for i in range(50)}
    table = pl.concat(
        [c.tasks.select(pl.lit(k).alias("candidate"), pl.all()) for k, c in comparisons.items()]
    )
    summary = pl.concat([audit.summary.head(1).with_columns(pl.lit(k).alias("candidate"))
                         for k in comparisons])  # fmt: skip
    wide = Audit("org/model", comparisons, table, summary, True)
    row("HTML audit, 50 candidates x 60 tasks", best_of(wide.to_html, repeat=1), None, "")


def main() -> None:
    print(f"{'what':<44} {'ours ms':>10} {'peer ms':>10}  {'speedup':>7}  peer")
    with tempfile.TemporaryDirectory() as tmp:
        bench_inspect(Path(tmp), 5000)
        bench_lighteval(Path(tmp), 100_000)
    bench_html()


if __name__ == "__main__":
    main()
