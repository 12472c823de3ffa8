"""Following a run while the harness writes it: the engine of ``fastmcnemar watch``.

The reference is read once. The candidate is followed as the harness writes
it: an lm-eval output directory where ``samples_*.jsonl`` files appear and
grow (or one such file), or an Inspect log (``.eval`` or ``.json``). Only
complete lines are read; a last line still being written is waited for.
Each new sample is paired with the reference by (task, filter, metric,
doc_id) and fed to one anytime-valid test per task (:mod:`fastmcnemar.sequential`),
combined over tasks by averaging their e-values; e-BH names degraded tasks.

Exit status: 1 = degraded, 0 = equivalent (needs ``--margin``), 3 = the run
finished (lm-eval wrote its ``results_*.json``, the Inspect log's status is
final, every reference sample was paired, or ``--timeout`` passed) without a
decision, 2 = usage or input error, 130 = interrupted.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import polars as pl

EXIT_EQUIVALENT = 0
EXIT_DEGRADED = 1
EXIT_INPUT = 2
EXIT_UNDECIDED = 3

_KEY = ("task", "filter", "metric")


class WatchInputError(Exception):
    """An input problem: one line for the user, exit status 2."""


# -- choosing what to watch ---------------------------------------------------


def _metric_specs(values: list[str]) -> tuple[str | None, dict[str, str]]:
    default: str | None = None
    per_task: dict[str, str] = {}
    for value in values:
        task, eq, spec = value.partition("=")
        if eq:
            per_task[task.strip()] = spec.strip()
        elif default is None:
            default = value.strip()
        else:
            raise WatchInputError(f"--metric given twice without a task ({default!r}, {value!r})")
    return default, per_task


def _choose_streams(
    reference: pl.DataFrame, metric_values: list[str], tasks: list[str] | None
) -> list[tuple[str, str, str]]:
    """One (task, filter, metric) per task, in the reference's order."""
    default, per_task = _metric_specs(metric_values)
    available = reference.select(_KEY).unique(maintain_order=True).rows()
    all_tasks = list(dict.fromkeys(t for t, _, _ in available))
    wanted = all_tasks if tasks is None else tasks
    unknown = [t for t in (tasks or []) + list(per_task) if t not in all_tasks]
    if unknown:
        raise WatchInputError(
            f"task(s) {', '.join(unknown)} not in the reference (tasks: {', '.join(all_tasks)})"
        )
    streams = []
    for task in wanted:
        spec = per_task.get(task, default)
        options = [(t, f, m) for t, f, m in available if t == task]
        if spec is not None:
            metric, _, filt = spec.partition(",")
            options = [o for o in options if o[2] == metric and (not filt or o[1] == filt)]
            if not options:
                if task in per_task or tasks is not None:
                    raise WatchInputError(f"task {task!r} has no metric {spec!r} in the reference")
                continue
        streams.append(options[0])
    if not streams:
        raise WatchInputError("nothing to watch: no task has the requested metric")
    return streams


# -- following the candidate ----------------------------------------------------


@dataclass
class _Growing:
    """One samples file being written: how much of it is mirrored."""

    path: Path
    mirror: Path
    offset: int = 0
    pending: bytes = b""


def _run_date(name: str) -> str | None:
    """The ``<date>`` of ``samples_<task>_<date>.jsonl`` (lm-eval's run id)."""
    stem = name.removesuffix(".jsonl")
    _, sep, date = stem.rpartition("_")
    return date if sep and date[:4].isdigit() and "T" in date else None


@dataclass
class LmEvalTail:
    """New complete lines of lm-eval samples files under a path."""

    root: Path
    workdir: Path
    files: dict[Path, _Growing] = field(default_factory=dict)

    def _samples_files(self) -> list[Path]:
        if self.root.is_file():
            return [self.root]
        if not self.root.is_dir():
            return []
        found: list[Path] = []
        for pattern in ("samples_*.jsonl", "*/samples_*.jsonl", "*/*/samples_*.jsonl"):
            found.extend(self.root.glob(pattern))
        return sorted(found)

    def finished(self) -> bool:
        """lm-eval writes ``results_<date>.json`` once every samples file of the run
        (``samples_<task>_<date>.jsonl``, same date) is complete; results of other
        runs in the same directory do not count."""
        dates = {_run_date(p.name) for p in self._samples_files()}
        dates.discard(None)
        if not dates:
            return False
        return all(
            any(parent.joinpath(f"results_{date}.json").exists() for parent in self._dirs())
            for date in dates
        )

    def _dirs(self) -> set[Path]:
        return {p.parent for p in self._samples_files()}

    def poll(self, final: bool) -> list[pl.DataFrame]:
        from fastmcnemar.exceptions import FastMcNemarError
        from fastmcnemar.ingest.lm_eval import read_lm_eval
        from fastmcnemar.ingest.safe_io import open_regular

        frames = []
        for path in self._samples_files():
            state = self.files.get(path)
            if state is None:
                mirror = self.workdir / str(len(self.files)) / path.name
                mirror.parent.mkdir(parents=True)
                mirror.touch()
                state = self.files[path] = _Growing(path, mirror)
            try:
                # Never a plain open(): a FIFO named like a samples file would block it.
                with open_regular(path) as fh:
                    fh.seek(state.offset)
                    chunk = fh.read()
            except FastMcNemarError as err:
                raise WatchInputError(str(err)) from None
            state.offset += len(chunk)
            data = state.pending + chunk
            cut = data.rfind(b"\n") + 1
            if final and cut < len(data) and data[cut:].strip():
                cut = len(data)  # the run is over: a last line without newline is complete
            complete, state.pending = data[:cut], data[cut:]
            if not complete.strip():
                continue
            with state.mirror.open("ab") as out:
                out.write(complete if complete.endswith(b"\n") else complete + b"\n")
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    frame = read_lm_eval(state.mirror)
            except FastMcNemarError as err:
                raise WatchInputError(str(err).replace(str(state.mirror), str(path))) from None
            frames.append(frame.with_columns(pl.lit(str(path)).alias("source")))
        return frames


@dataclass
class InspectTail:
    """The samples of an Inspect log that is being rewritten as the run goes."""

    path: Path
    stamp: tuple[float, int] | None = None
    status: str | None = None
    last_error: str | None = None

    def finished(self) -> bool:
        return self.status not in (None, "started")

    def poll(self, final: bool) -> list[pl.DataFrame]:
        from fastmcnemar.ingest.inspect_logs import read_inspect_runs

        if not self.path.exists():
            return []
        stat = self.path.stat()
        stamp = (stat.st_mtime, stat.st_size)
        if stamp == self.stamp and not final:
            return []
        try:
            frame, metadata = read_inspect_runs(self.path)
        except Exception as err:  # a log caught half-written: read it again later
            self.last_error = str(err).splitlines()[0] if str(err) else type(err).__name__
            if final:
                raise WatchInputError(f"{self.path}: {self.last_error}") from None
            return []
        self.stamp = stamp
        self.last_error = None
        self.status = next((m.get("status") for m in metadata if m.get("status")), None)
        return [frame]


def _candidate_tail(path: Path, workdir: Path) -> LmEvalTail | InspectTail:
    if path.suffix in (".eval",) or (
        path.suffix == ".json" and not path.name.startswith("results")
    ):
        return InspectTail(path)
    return LmEvalTail(path, workdir)


def _load_reference(path: Path) -> pl.DataFrame:
    from fastmcnemar.ingest.detect import read_any

    if not path.exists():
        raise WatchInputError(f"{path}: no such file or directory")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_any(path)


# -- the tests -----------------------------------------------------------------


@dataclass
class Stream:
    """One watched (task, filter, metric): reference scores by doc_id and its test."""

    key: tuple[str, str, str]
    reference: dict[str, float]
    seen: set[str] = field(default_factory=set)
    last_ids: list[str] = field(default_factory=list)
    sorted_run: int = 0
    warned_sorted: bool = False


def _is_sorted(ids: list[str]) -> bool:
    try:
        values: list[Any] = [int(i) for i in ids]
    except ValueError:
        values = ids
    return all(a < b for a, b in itertools.pairwise(values))


class Watcher:
    """Pairs arriving samples with the reference and runs the suite test."""

    def __init__(
        self, reference: pl.DataFrame, args: argparse.Namespace, warn: Callable[[str], None]
    ):
        from fastmcnemar.sequential import SequentialSuite

        keys = _choose_streams(reference, args.metric, args.tasks)
        self.streams: dict[tuple[str, str, str], Stream] = {}
        for key in keys:
            rows = reference.filter(
                (pl.col("task") == key[0])
                & (pl.col("filter") == key[1])
                & (pl.col("metric") == key[2])
            )
            scores = dict(zip(rows["doc_id"].to_list(), rows["score"].to_list(), strict=True))
            bad = [(d, s) for d, s in scores.items() if s is None or not 0.0 <= s <= 1.0]
            if bad:
                doc, value = bad[0]
                raise WatchInputError(
                    f"reference {key[0]} {key[2]} ({key[1]}) doc_id {doc}: score {value} is not in "
                    "[0, 1]; watch another metric with --metric"
                )
            self.streams[key] = Stream(key, scores)
        self.suite = SequentialSuite(
            [self._name(k) for k in keys],
            alpha=args.alpha,
            margin=args.margin,
            populations=(
                {self._name(k): len(self.streams[k].reference) for k in keys}
                if args.finite
                else None
            ),
            grid_points=2001,
        )
        self._keys = {self._name(k): k for k in keys}
        self._reference_tasks = set(reference["task"].unique().to_list())
        self._unpaired_tasks: set[str] = set()
        self.rng = np.random.default_rng(args.order_seed)
        self.warn = warn

    @staticmethod
    def _name(key: tuple[str, str, str]) -> str:
        task, filt, metric = key
        return f"{task} {metric}" if filt == "none" else f"{task} {metric},{filt}"

    @property
    def n(self) -> int:
        return sum(t.n for t in self.suite.tests.values())

    def complete(self) -> bool:
        return all(len(s.seen) == len(s.reference) for s in self.streams.values())

    def add(self, frame: pl.DataFrame) -> None:
        """Pair the rows not seen before and feed them to their task's test."""
        for task in frame["task"].unique().sort().to_list():
            if task not in self._reference_tasks and task not in self._unpaired_tasks:
                self._unpaired_tasks.add(task)
                self.warn(
                    f"candidate task {task!r} is not in the reference: its samples are not tested"
                )
        for key, stream in self.streams.items():
            rows = frame.filter(
                (pl.col("task") == key[0])
                & (pl.col("filter") == key[1])
                & (pl.col("metric") == key[2])
            )
            if rows.height == 0:
                continue
            ids = rows["doc_id"].to_list()
            scores = rows["score"].to_list()
            sources = rows["source"].to_list() if "source" in rows.columns else [""] * len(ids)
            new_ids: list[str] = []
            new_scores: list[float] = []
            for doc, score, source in zip(ids, scores, sources, strict=True):
                if doc in stream.seen:
                    continue
                where = f"{source}: " if source else ""
                if doc not in stream.reference:
                    raise WatchInputError(
                        f"{where}task {key[0]} doc_id {doc}: no such sample in the reference"
                    )
                if score is None or not 0.0 <= score <= 1.0:
                    raise WatchInputError(
                        f"{where}task {key[0]} doc_id {doc}: {key[2]} = {score} "
                        "is not a score in [0, 1]"
                    )
                new_ids.append(doc)
                new_scores.append(float(score))
            if not new_ids:
                continue
            self._check_order(stream, new_ids)
            order = self.rng.permutation(len(new_ids))
            ref = np.array([stream.reference[new_ids[i]] for i in order], dtype=np.float64)
            cand = np.array([new_scores[i] for i in order], dtype=np.float64)
            stream.seen.update(new_ids)
            self.suite.update(self._name(key), ref, cand)

    def _check_order(self, stream: Stream, ids: list[str]) -> None:
        if stream.warned_sorted:
            return
        run = stream.last_ids[-1:] + ids
        if len(ids) >= 2 and _is_sorted(run):
            stream.sorted_run += len(ids)
        else:
            stream.sorted_run = 0
        stream.last_ids = ids[-1:]
        if stream.sorted_run >= 20:
            stream.warned_sorted = True
            self.warn(
                f"doc ids of {self._name(stream.key)} arrive sorted: anytime validity needs the "
                "samples in random order (samples arriving together are shuffled, but the order "
                "the harness evaluates them in should be random; shuffle the benchmark)"
            )

    def decision(self) -> str:
        return self.suite.decision

    def status(self, *, event: str) -> dict[str, Any]:
        tasks = {}
        for name, test in self.suite.tests.items():
            info = test.status()
            info["n_reference"] = len(self.streams[self._keys[name]].reference)
            tasks[name] = info
        return {
            "event": event,
            "n": self.n,
            "evalue": self.suite.evalue,
            "pvalue": self.suite.pvalue,
            "decision": self.suite.decision,
            "degraded_tasks": self.suite.degraded_tasks(),
            "tasks": tasks,
        }


# -- output ----------------------------------------------------------------------


def _number(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.3g}"


class Printer:
    """Text status line on a terminal, JSON lines otherwise."""

    def __init__(self, fmt: str, out: TextIO) -> None:
        self.fmt = fmt
        self.out = out
        self.live = fmt == "text" and out.isatty()
        self.last: str | None = None

    def show(self, status: dict[str, Any], *, final: bool = False) -> None:
        if self.fmt == "json":
            line = json.dumps(status, allow_nan=False, default=str)
            if final or line != self.last:
                print(line, file=self.out, flush=True)
            self.last = line
            return
        parts = [f"n={status['n']}"]
        for name, task in status["tasks"].items():
            cs = ""
            if "cs_low" in task:
                cs = f" CS[{task['cs_low']:+.3f},{task['cs_high']:+.3f}]"
            parts.append(
                f"{name}: {task['n']}/{task['n_reference']} b={task['b']} c={task['c']}{cs}"
            )
        parts.append(f"e={_number(status['evalue'])} p={_number(status['pvalue'])}")
        parts.append(status["decision"])
        line = " | ".join(parts)
        if self.live and not final:
            print("\r\x1b[2K" + line, end="", file=self.out, flush=True)
        elif final or line != self.last:
            prefix = "\r\x1b[2K" if self.live else ""
            print(prefix + line, file=self.out, flush=True)
        self.last = line


@contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="fastmcnemar-watch-") as name:
        yield Path(name)


def _check_args(args: argparse.Namespace) -> None:
    if not 0.0 < args.alpha < 1.0:
        raise WatchInputError(f"--alpha must lie strictly between 0 and 1, got {args.alpha}")
    if args.margin is not None and not 0.0 < args.margin < 1.0:
        raise WatchInputError(f"--margin must lie strictly between 0 and 1, got {args.margin}")
    if args.interval <= 0 or not math.isfinite(args.interval):
        raise WatchInputError(
            f"--interval must be a positive number of seconds, got {args.interval}"
        )
    if args.timeout is not None and (args.timeout < 0 or not math.isfinite(args.timeout)):
        raise WatchInputError(
            f"--timeout must be a non-negative number of seconds, got {args.timeout}"
        )
    if args.min_n < 0:
        raise WatchInputError(f"--min-n must be >= 0, got {args.min_n}")


def watch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The watch loop; returns the exit status."""
    _check_args(args)
    fmt = args.format or ("text" if out.isatty() else "json")
    printer = Printer(fmt, out)

    def warn(message: str) -> None:
        if printer.live:
            print(file=out)
        print(f"fastmcnemar watch: warning: {message}", file=err, flush=True)

    reference = _load_reference(Path(args.reference))
    watcher = Watcher(reference, args, warn)
    started = time.monotonic()
    candidate = Path(args.candidate)
    with _workdir() as workdir:
        tail = _candidate_tail(candidate, workdir)
        if not candidate.exists():
            warn(f"{candidate} does not exist yet: waiting for it to appear")
        while True:
            finished = tail.finished()  # looked at before reading: nothing written after is lost
            timed_out = args.timeout is not None and time.monotonic() - started >= args.timeout
            for frame in tail.poll(final=finished or timed_out):
                watcher.add(frame)
            decision = watcher.decision()
            over = finished or timed_out or watcher.complete()
            # --min-n holds back early stops only: at the end, a decision stands.
            if decision != "continue" and (watcher.n >= args.min_n or over):
                printer.show(watcher.status(event="decided"), final=True)
                return EXIT_DEGRADED if decision == "degraded" else EXIT_EQUIVALENT
            if over:
                reason = "timeout" if timed_out and not finished else "finished"
                if watcher.complete():
                    reason = "complete"
                status = watcher.status(event=reason)
                printer.show(status, final=True)
                if watcher.n == 0 and not timed_out:
                    raise WatchInputError(
                        f"{candidate}: the run finished without any sample of the watched tasks"
                    )
                return EXIT_UNDECIDED
            printer.show(watcher.status(event="progress"))
            time.sleep(args.interval)
