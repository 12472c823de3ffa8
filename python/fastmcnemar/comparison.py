"""Reference vs candidate, per task and for the whole suite.

:func:`compare` reads (or takes) two score frames, pairs them sample by
sample, runs the exact McNemar test per binary task and the paired sign-flip
permutation test per continuous task, Holm-adjusts the per-task p-values and
combines the tasks into one suite-level verdict. :func:`audit` does the same
for many candidates against one reference.
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

import fastmcnemar
from fastmcnemar._metric_choice import MetricSpec, choose_metrics
from fastmcnemar._run_loading import LoadedRun, load_run
from fastmcnemar._task_tests import TaskOutcome, run_task_test
from fastmcnemar.exceptions import InvalidArgumentError, PairingWarning
from fastmcnemar.ingest.detect import detect_format
from fastmcnemar.paired_test import Alternative
from fastmcnemar.pairing import pair_report
from fastmcnemar.rerun_noise import noise_floor
from fastmcnemar.suite import ADJUSTMENTS, AdjustMethod, adjust_pvalues, aggregate
from fastmcnemar.verdicts import VERDICT_COLUMNS, check_margin, with_verdicts

#: Columns of :attr:`Comparison.tasks`, in order.
_TEST_COLUMNS: dict[str, pl.DataType] = {
    "task": pl.Utf8(),
    "filter": pl.Utf8(),
    "metric": pl.Utf8(),
    "kind": pl.Utf8(),
    "method": pl.Utf8(),
    "n": pl.Int64(),
    "b": pl.Int64(),
    "c": pl.Int64(),
    "reference_accuracy": pl.Float64(),
    "candidate_accuracy": pl.Float64(),
    "delta": pl.Float64(),
    "ci_low": pl.Float64(),
    "ci_high": pl.Float64(),
    "flip_rate": pl.Float64(),
    "pvalue": pl.Float64(),
    "pvalue_adjusted": pl.Float64(),
    "degraded": pl.Boolean(),
    "verdict": pl.Utf8(),
}

#: Columns of :attr:`Comparison.tasks`, in order: the test's, then the planning
#: columns the three-way verdict adds (:mod:`fastmcnemar.verdicts`).
TASK_COLUMNS: dict[str, pl.DataType] = {**_TEST_COLUMNS, **VERDICT_COLUMNS}

#: Columns of :attr:`Comparison.skipped`.
SKIPPED_COLUMNS: dict[str, pl.DataType] = {
    "task": pl.Utf8(),
    "filter": pl.Utf8(),
    "metric": pl.Utf8(),
    "reason": pl.Utf8(),
}

#: Columns of :attr:`Audit.summary`.
SUMMARY_COLUMNS: dict[str, pl.DataType] = {
    "candidate": pl.Utf8(),
    "degraded": pl.Boolean(),
    "aggregate_pvalue": pl.Float64(),
    "n_tasks": pl.Int64(),
    "n_degraded": pl.Int64(),
    "verdict": pl.Utf8(),
}


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing one candidate with its reference.

    Attributes
    ----------
    reference, candidate : str
        Labels of the two runs (model names, else paths).
    alpha : float
        Significance level of every decision.
    tasks : polars.DataFrame
        One row per tested (task, filter, metric); see :data:`TASK_COLUMNS`.
        For continuous scores ``b``/``c`` count the pairs where the reference
        / the candidate scored higher.
    skipped : polars.DataFrame
        What could not be tested and why (columns task, filter, metric, reason).
    aggregate : AggregateResult or None
        The suite-level test (``aggregate(..., method="combined")``) over the
        binary tasks, None when it could not be computed.
    degraded : bool
        True when the suite-level test or any adjusted (Holm by default) task rejects.
    metadata : dict
        Models, harness version, task versions, n-shot, sample counts, hash checks.
    margin : float
        Non-inferiority margin of the verdicts (0.01 = one point).
    verdict : str
        The suite's verdict: "degraded", "equivalent" (every task shown to be at
        most ``margin`` worse) or "inconclusive"; per task in ``tasks["verdict"]``
        with ``noninferiority_pvalue``, ``detectable_drop``, ``n_needed`` and
        ``flip_rate_needed`` (see :mod:`fastmcnemar.verdicts`).
    """

    reference: str
    candidate: str
    alpha: float
    tasks: pl.DataFrame
    skipped: pl.DataFrame
    aggregate: Any
    degraded: bool
    metadata: dict[str, Any] = field(default_factory=dict)
    margin: float = 0.01
    verdict: str = "inconclusive"

    def to_text(self) -> str:
        """A plain-text report for a terminal."""
        from fastmcnemar.render.text import comparison_to_text

        return comparison_to_text(self)

    def to_markdown(self) -> str:
        """A Markdown report (tables) to paste into a pull request or issue."""
        from fastmcnemar.render.markdown import comparison_to_markdown

        return comparison_to_markdown(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """A JSON document: reference, candidate, alpha, tasks, skipped, aggregate, degraded,
        metadata."""
        from fastmcnemar.render.json import comparison_to_json

        return comparison_to_json(self, indent=indent)

    def to_csv(self) -> str:
        """The per-task table as CSV."""
        from fastmcnemar.render.csv import comparison_to_csv

        return comparison_to_csv(self)

    def to_html(self) -> str:
        """A self-contained HTML page (inline CSS and SVG, no network, no JS needed):
        verdict, suite-level test, forest plot, per-task table, run metadata."""
        from fastmcnemar.render.html import comparison_html

        return comparison_html(self)

    def _repr_html_(self) -> str:
        from fastmcnemar.render.html import comparison_fragment

        return comparison_fragment(self)

    def plot(self, *, ax: Any = None) -> Any:
        """Forest plot of the per-task accuracy drop as a matplotlib Figure
        (needs matplotlib; draws into ``ax`` when given)."""
        from fastmcnemar.render.plot import forest_figure

        return forest_figure(self, ax=ax)


@dataclass(frozen=True)
class Audit:
    """Many candidates compared with one reference.

    Attributes
    ----------
    reference : str
        Label of the reference run.
    comparisons : dict[str, Comparison]
        One :class:`Comparison` per candidate, by candidate label.
    table : polars.DataFrame
        Long table: column ``candidate`` followed by every ``Comparison.tasks`` column.
    summary : polars.DataFrame
        One row per candidate: candidate, degraded, aggregate_pvalue, n_tasks, n_degraded,
        verdict.
    degraded : bool
        True when any candidate is degraded.
    """

    reference: str
    comparisons: dict[str, Comparison]
    table: pl.DataFrame
    summary: pl.DataFrame
    degraded: bool

    def to_text(self) -> str:
        """A plain-text report for a terminal."""
        from fastmcnemar.render.text import audit_to_text

        return audit_to_text(self)

    def to_markdown(self) -> str:
        """A Markdown report."""
        from fastmcnemar.render.markdown import audit_to_markdown

        return audit_to_markdown(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """A JSON document (keys reference, degraded, summary, comparisons)."""
        from fastmcnemar.render.json import audit_to_json

        return audit_to_json(self, indent=indent)

    def to_csv(self) -> str:
        """The long candidate x task table as CSV."""
        from fastmcnemar.render.csv import audit_to_csv

        return audit_to_csv(self)

    def to_html(self) -> str:
        """A self-contained HTML page: verdict, per-candidate summary, candidate x task
        heatmap, and each candidate's report."""
        from fastmcnemar.render.html import audit_html

        return audit_html(self)

    def _repr_html_(self) -> str:
        from fastmcnemar.render.html import audit_fragment

        return audit_fragment(self)


# --------------------------------------------------------------------------- compare


def _check_options(
    alpha: float, alternative: str, confidence_level: float, adjust: str = "holm"
) -> None:
    if not (isinstance(alpha, (int, float)) and 0.0 < alpha < 1.0):
        raise InvalidArgumentError(f"alpha must be in (0, 1), got {alpha!r}")
    if alternative not in ("greater", "less", "two-sided"):
        raise InvalidArgumentError(
            f"alternative must be 'greater', 'less' or 'two-sided', got {alternative!r}"
        )
    if not (0.0 < confidence_level < 1.0):
        raise InvalidArgumentError(f"confidence_level must be in (0, 1), got {confidence_level!r}")
    if adjust not in ADJUSTMENTS:
        raise InvalidArgumentError(
            f"adjust must be one of {', '.join(repr(a) for a in ADJUSTMENTS)}, got {adjust!r}"
        )


def _infos(ref: LoadedRun, cand: LoadedRun) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for run in (ref, cand):
        for task, info in run.task_results().items():
            out.setdefault(task, []).append(info)
    return out


def _adjusted(pvalues: list[float], adjust: AdjustMethod) -> list[float]:
    """The per-task p-values adjusted for multiplicity (Holm by default)."""
    if not pvalues:
        return []
    adjusted = adjust_pvalues(np.asarray(pvalues, dtype=np.float64), method=adjust)
    return [float(p) for p in adjusted]


def _metadata(
    ref: LoadedRun, cand: LoadedRun, report: Any, tasks: list[str], rule: str
) -> dict[str, Any]:
    def run_meta(run: LoadedRun) -> dict[str, Any]:
        info = run.task_results()
        config: dict[str, Any] = {}
        version = None
        for r in run.results:
            version = version or r.data.get("lm_eval_version") or r.data.get("harness_version")
            cfg = r.data.get("config")
            if isinstance(cfg, dict):
                for key in ("model", "model_args", "limit", "gen_kwargs", "fewshot_seed"):
                    if key in cfg:
                        config.setdefault(key, cfg[key])
        per_task = {
            t: {
                "version": info.get(t, {}).get("versions"),
                "n_shot": info.get(t, {}).get("n-shot"),
                "n_samples": info.get(t, {}).get("n-samples"),
                "task_hash": info.get(t, {}).get("task_hashes"),
            }
            for t in tasks
            if t in info
        }
        return {
            "label": run.label,
            "format": run.fmt,
            "files": sorted({str(r.path) for r in run.results}),
            "harness_version": version,
            "config": config,
            "tasks": per_task,
        }

    meta: dict[str, Any] = {
        "reference": run_meta(ref),
        "candidate": run_meta(cand),
        "hash_checks": {
            "samples_with_hashes": report.hashes_checked,
            "prompt_hash_differs": dict(report.prompt_hash_differs),
        },
        "notes": list(report.notes),
        "verdict_rule": rule,
    }
    notes: list[str] = meta["notes"]
    for task in tasks:
        for key, label in (("version", "task version"), ("n_shot", "n-shot")):
            a = meta["reference"]["tasks"].get(task, {}).get(key)
            b = meta["candidate"]["tasks"].get(task, {}).get(key)
            if a is not None and b is not None and a != b:
                message = f"task {task!r}: {label} differs (reference {a}, candidate {b})"
                notes.append(message)
                warnings.warn(message, PairingWarning, stacklevel=4)
    return meta


def _compare_loaded(
    ref: LoadedRun,
    cand: LoadedRun,
    *,
    metric: MetricSpec,
    alpha: float,
    alternative: Alternative,
    confidence_level: float,
    allow_hash_mismatch: bool,
    allow_missing: bool,
    n_resamples: int,
    seed: int,
    adjust: AdjustMethod = "holm",
) -> Comparison:
    triples = ["task", "filter", "metric"]
    ref_keys = ref.scores.select(triples).unique(maintain_order=True)
    cand_keys = cand.scores.select(triples).unique(maintain_order=True)
    both = ref_keys.join(cand_keys, on=triples, how="semi")
    not_testable: dict[tuple[str, str], str] = {}
    skipped: list[tuple[str, str, str, str]] = []
    for run in (ref, cand):
        for row in run.not_testable.iter_rows(named=True):
            key = (row["task"], row["metric"])
            if key not in not_testable:
                not_testable[key] = f"not per-sample testable: {row['reason']}"
                skipped.append((row["task"], row["filter"], row["metric"], not_testable[key]))
    ref_tasks = set(ref_keys.get_column("task").to_list())
    cand_tasks = set(cand_keys.get_column("task").to_list())
    for task in sorted(ref_tasks ^ cand_tasks):
        side = "reference" if task in ref_tasks else "candidate"
        skipped.append((task, "", "", f"task only in {side}"))
    choices, metric_skips = choose_metrics(both, _infos(ref, cand), metric, not_testable)
    skipped.extend(metric_skips)
    if not choices:
        if both.height == 0:
            # Let pairing explain (no task in common, one model per side, ...).
            pair_report(ref.scores, cand.scores)
        raise InvalidArgumentError(
            "nothing to test: no task has a metric both runs can be paired on"
        )
    chosen = pl.DataFrame(
        {"task": [c.task for c in choices], "filter": [c.filter for c in choices],
         "metric": [c.metric for c in choices]},
        schema={"task": pl.Utf8, "filter": pl.Utf8, "metric": pl.Utf8},
    )  # fmt: skip
    report = pair_report(
        ref.scores.join(chosen, on=triples, how="semi"),
        cand.scores.join(chosen, on=triples, how="semi"),
        allow_hash_mismatch=allow_hash_mismatch,
        allow_missing=allow_missing,
    )
    outcomes: list[TaskOutcome] = []
    for choice in choices:
        rows = report.paired.filter(
            (pl.col("task") == choice.task)
            & (pl.col("filter") == choice.filter)
            & (pl.col("metric") == choice.metric)
        )
        result = run_task_test(
            choice.task,
            choice.filter,
            choice.metric,
            rows.get_column("reference").to_numpy().astype(np.float64),
            rows.get_column("candidate").to_numpy().astype(np.float64),
            lower_is_better=choice.lower_is_better,
            alternative=alternative,
            confidence_level=confidence_level,
            n_resamples=n_resamples,
            seed=seed,
        )
        if isinstance(result, str):
            skipped.append((choice.task, choice.filter, choice.metric, result))
        else:
            outcomes.append(result)
    adjusted = _adjusted([o.pvalue for o in outcomes], adjust)
    binary = [o for o in outcomes if o.kind == "binary"]
    aggregate_result: Any = None
    if len(binary) >= 2:
        aggregate_result = aggregate(
            np.asarray([o.b for o in binary], dtype=np.int64),
            np.asarray([o.c for o in binary], dtype=np.int64),
            method="combined",
            alpha=alpha,
            alternative=alternative,
            tasks=[o.task for o in binary],
        )
    # The suite verdict is one level-alpha test: the combined aggregate when every
    # tested task is binary, else "any adjusted task rejects" (a global test at
    # level alpha). A task is flagged only when the suite verdict is "degraded".
    if len(outcomes) == 1:
        rule = "single task: its own test at level alpha"
        suite_degraded = outcomes[0].pvalue <= alpha
    elif aggregate_result is not None and len(binary) == len(outcomes):
        rule = "combined suite test (Pooled, Max-Drop, Fisher) over the binary tasks"
        suite_degraded = bool(aggregate_result.rejected)
    else:
        # Any rejection after any of these adjustments is a level-alpha test of
        # "no task degraded" (for BH and BY it is the Simes / BY global test).
        name, controls = ADJUSTMENTS[adjust]
        rule = f"any task rejects after {name} adjustment ({controls} level alpha)"
        suite_degraded = any(p <= alpha for p in adjusted)
    if len(outcomes) == 1:
        adjusted = [outcomes[0].pvalue]
    flags = [suite_degraded and (p <= alpha) for p in adjusted]
    tasks_frame = pl.DataFrame(
        [
            {**o.__dict__, "pvalue_adjusted": p, "degraded": f,
             "verdict": "degraded" if f else "not degraded"}
            for o, p, f in zip(outcomes, adjusted, flags, strict=False)
        ],
        schema=_TEST_COLUMNS,
    )  # fmt: skip
    skipped_frame = pl.DataFrame(
        [dict(zip(SKIPPED_COLUMNS, s, strict=False)) for s in skipped], schema=SKIPPED_COLUMNS
    ).unique(maintain_order=True)
    meta = _metadata(ref, cand, report, [o.task for o in outcomes], rule)
    meta["lower_is_better"] = [c.task for c in choices if c.lower_is_better]
    meta["adjustment"] = adjust
    meta["alternative"] = alternative
    meta["confidence_level"] = confidence_level
    return Comparison(
        reference=ref.label,
        candidate=cand.label,
        alpha=float(alpha),
        tasks=tasks_frame,
        skipped=skipped_frame,
        aggregate=aggregate_result,
        degraded=bool(suite_degraded),
        metadata=meta,
    )


def compare(
    reference: Any,
    candidate: Any,
    /,
    *,
    metric: MetricSpec = None,
    tasks: Sequence[str] | None = None,
    alpha: float = 0.05,
    alternative: Alternative = "greater",
    confidence_level: float = 0.95,
    adjust: AdjustMethod = "holm",
    allow_hash_mismatch: bool = False,
    allow_missing: bool = False,
    reference_model: str | None = None,
    candidate_model: str | None = None,
    reference_timestamp: str | None = None,
    candidate_timestamp: str | None = None,
    n_resamples: int = 9999,
    rng: int | None = 0,
    margin: float = 0.01,
    reference_reruns: Sequence[Any] | None = None,
) -> Comparison:
    """Is the candidate significantly worse than the reference?

    Reads both runs (or takes their score frames), pairs them sample by sample
    (:func:`~fastmcnemar.pair`), tests the primary metric of every task, and
    decides for the suite.

    Parameters
    ----------
    reference, candidate : path or polars.DataFrame
        lm-eval output (a directory, a ``results_*.json`` file selecting one run,
        a samples file), a generic score file or folder (see
        :func:`~fastmcnemar.read_scores`), or a score frame.
    metric : str or dict, optional
        The metric to test: one name for every task (``"acc"``, or lm-eval's
        ``"exact_match,flexible-extract"`` to name the filter too), or a
        ``{task: metric}`` mapping (key ``"*"`` for the rest). Default: the
        first metric of the task's ``higher_is_better`` in the results file,
        else the first one logged.
    tasks : sequence of str, optional
        Only these tasks (group names expand to their subtasks).
    alpha : float, default 0.05
        Level of the suite verdict and of the Holm-adjusted per-task flags.
    alternative : {"greater", "two-sided", "less"}, default "greater"
        "greater": the candidate is worse (degradation).
    confidence_level : float, default 0.95
        Of the interval on each task's delta (Tango's score interval for binary
        tasks, a BCa paired bootstrap for continuous ones).
    adjust : str, default "holm"
        The multiplicity adjustment of the per-task p-values
        (``pvalue_adjusted``), one of :func:`~fastmcnemar.adjust_pvalues`'
        methods: ``"holm"`` controls the family-wise error under any
        dependence; ``"bh"`` flags tasks at a false discovery rate instead
        (more tasks named in large suites).
    allow_hash_mismatch, allow_missing : bool, default False
        Passed to the pairing: pair despite differing data hashes / test only
        the common samples, with a warning instead of an error.
    reference_model, candidate_model : str, optional
        Pick one model from a path holding several runs.
    reference_timestamp, candidate_timestamp : str, optional
        Pick one lm-eval run by its ``date_id`` (or a prefix of it), e.g. when two
        runs of one model, or runs of two models, share a directory.
    n_resamples : int, default 9999
        Resamples of the permutation test and bootstrap (continuous tasks).
    rng : int, default 0
        Seed of the permutation test and bootstrap, so reports are reproducible.
    margin : float, default 0.01
        Non-inferiority margin: a task that is not degraded is "equivalent" when
        the data show its drop is below ``margin``, else "inconclusive".
    reference_reruns : sequence of paths or frames, optional
        Other runs of the reference (lossless reruns, other hardware): their
        pairwise flip rates (the noise floor) are reported beside each task's.

    Returns
    -------
    Comparison
        ``tasks`` (one row per tested task), ``skipped``, ``aggregate``,
        ``degraded``, ``metadata``; ``to_text()``, ``to_markdown()``,
        ``to_json()``, ``to_csv()``.

    Notes
    -----
    ``delta`` is reference minus candidate (positive = the candidate is worse),
    as in :func:`~fastmcnemar.mcnemar`. The suite verdict ``degraded`` is one
    level-``alpha`` test: the combined Pooled/Max-Drop/Fisher aggregate over the
    binary tasks when every tested task is binary; otherwise "some task rejects
    after the ``adjust`` adjustment" (a level-``alpha`` test for every method).
    A task is flagged degraded when the suite verdict is and its adjusted
    p-value is at most ``alpha``.

    Examples
    --------
    >>> from fastmcnemar import compare
    >>> from fastmcnemar.data import example_path
    >>> result = compare(example_path("reference"), example_path("degraded"))
    >>> result.degraded
    True
    >>> compare(example_path("reference"), example_path("rerun")).degraded
    False
    """
    _check_options(alpha, alternative, confidence_level, adjust)
    check_margin(margin)
    ref = load_run(
        reference, side="reference", model=reference_model, tasks=tasks,
        timestamp=reference_timestamp,
    )  # fmt: skip
    cand = load_run(
        candidate, side="candidate", model=candidate_model, tasks=tasks,
        timestamp=candidate_timestamp,
    )  # fmt: skip
    noise = _noise(reference, reference_reruns, tasks)
    result = _compare_loaded(
        ref,
        cand,
        metric=metric,
        alpha=alpha,
        alternative=alternative,
        confidence_level=confidence_level,
        allow_hash_mismatch=allow_hash_mismatch,
        allow_missing=allow_missing,
        n_resamples=n_resamples,
        seed=0 if rng is None else int(rng),
        adjust=adjust,
    )
    return with_verdicts(result, margin=margin, noise=noise)


def _noise(reference: Any, reruns: Sequence[Any] | None, tasks: Sequence[str] | None) -> Any:
    """The noise floor of the reference and its reruns, or None without reruns."""
    if not reruns:
        return None
    if isinstance(reruns, (str, os.PathLike, pl.DataFrame)):
        reruns = [reruns]
    return noise_floor([reference, *reruns], tasks=tasks)


# --------------------------------------------------------------------------- audit


class _Progress:
    """A one-line progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, total: int, enabled: bool | None) -> None:
        self.total = total
        self.done = 0
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._lock = threading.Lock()
        self._draw()

    def _draw(self) -> None:
        if not self.enabled:
            return
        width = 30
        filled = width * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\raudit [{bar}] {self.done}/{self.total}")
        sys.stderr.flush()

    def step(self) -> None:
        with self._lock:
            self.done += 1
            self._draw()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _candidate_map(candidates: Any) -> dict[str, Any]:
    """Normalise audit()'s candidates to an ordered {label: run} mapping."""
    if isinstance(candidates, Mapping):
        return {str(k): v for k, v in candidates.items()}
    if isinstance(candidates, (str, os.PathLike)):
        root = Path(candidates)
        subdirs = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        runs = [p for p in subdirs if _holds_run(p)]
        if runs:
            return {p.name: p for p in runs}
        return {str(root): root}
    if isinstance(candidates, pl.DataFrame):
        return {
            m: candidates.filter(pl.col("model") == m)
            for m in candidates.get_column("model").unique(maintain_order=True)
        }
    if isinstance(candidates, Sequence):
        out: dict[str, Any] = {}
        for index, item in enumerate(candidates):
            label = str(item) if isinstance(item, (str, os.PathLike)) else f"candidate {index + 1}"
            out[label] = item
        return out
    raise InvalidArgumentError(
        "candidates: expected a mapping, a sequence or a directory, "
        f"got {type(candidates).__name__}"
    )


def _holds_run(path: Path) -> bool:
    try:
        detect_format(path)
    except fastmcnemar.FastMcNemarError:
        return False
    return True


def audit(
    reference: Any,
    candidates: Any,
    /,
    *,
    metric: MetricSpec = None,
    tasks: Sequence[str] | None = None,
    alpha: float = 0.05,
    alternative: Alternative = "greater",
    confidence_level: float = 0.95,
    adjust: AdjustMethod = "holm",
    allow_hash_mismatch: bool = False,
    allow_missing: bool = False,
    reference_model: str | None = None,
    n_resamples: int = 9999,
    rng: int | None = 0,
    max_workers: int | None = None,
    progress: bool | None = None,
    margin: float = 0.01,
    reference_reruns: Sequence[Any] | None = None,
) -> Audit:
    """Compare many candidates with one reference, in parallel.

    Parameters
    ----------
    reference : path or polars.DataFrame
        The reference run (read once).
    candidates : mapping, sequence or path
        ``{label: path or frame}``, a list of paths, or one directory whose
        sub-directories are runs (one candidate each; e.g. lm-eval's output
        directory with one sub-directory per model).
    max_workers : int, optional
        Candidates read and tested at once (threads; default: the core count).
    progress : bool, optional
        Draw a progress bar on stderr (default: only when stderr is a terminal).
    metric, tasks, alpha, alternative, confidence_level, adjust : see :func:`compare`
        As for :func:`compare`.
    allow_hash_mismatch, allow_missing, n_resamples, rng : see :func:`compare`
        As for :func:`compare`.
    margin, reference_reruns : see :func:`compare`
        As for :func:`compare`.

    Returns
    -------
    Audit
        ``comparisons`` by candidate label, a long ``table`` (candidate x task),
        a ``summary`` (one row per candidate) and ``degraded`` (any candidate).

    Examples
    --------
    >>> from fastmcnemar import audit
    >>> from fastmcnemar.data import example_path
    >>> res = audit(example_path("reference"),
    ...             {"rerun": example_path("rerun"), "int4": example_path("degraded")})
    >>> res.summary.select("candidate", "degraded").rows()
    [('rerun', False), ('int4', True)]
    """
    _check_options(alpha, alternative, confidence_level, adjust)
    check_margin(margin)
    runs = _candidate_map(candidates)
    if not runs:
        raise InvalidArgumentError("candidates: no candidate given")
    ref = load_run(reference, side="reference", model=reference_model, tasks=tasks)
    options: dict[str, Any] = {
        "metric": metric,
        "alpha": alpha,
        "alternative": alternative,
        "confidence_level": confidence_level,
        "allow_hash_mismatch": allow_hash_mismatch,
        "allow_missing": allow_missing,
        "n_resamples": n_resamples,
        "seed": 0 if rng is None else int(rng),
        "adjust": adjust,
    }

    noise = _noise(reference, reference_reruns, tasks)

    def one(label: str, run: Any) -> Comparison:
        cand = load_run(run, side=f"candidate {label}", tasks=tasks)
        return with_verdicts(_compare_loaded(ref, cand, **options), margin=margin, noise=noise)

    bar = _Progress(len(runs), progress)
    results: dict[str, Comparison] = {}
    try:
        workers = max_workers or min(len(runs), os.cpu_count() or 1)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {pool.submit(one, label, run): label for label, run in runs.items()}
            for future in as_completed(futures):
                label = futures[future]
                try:
                    results[label] = future.result()
                except fastmcnemar.FastMcNemarError as err:
                    for other in futures:
                        other.cancel()
                    raise type(err)(f"candidate {label}: {err}") from err
                bar.step()
    finally:
        bar.close()
    comparisons = {label: results[label] for label in runs}
    return _build_audit(ref.label, comparisons)


def _build_audit(reference: str, comparisons: dict[str, Comparison]) -> Audit:
    parts = [
        comp.tasks.select(pl.lit(label, dtype=pl.Utf8).alias("candidate"), pl.all())
        for label, comp in comparisons.items()
    ]
    table = (
        pl.concat(parts) if parts else pl.DataFrame(schema={"candidate": pl.Utf8, **TASK_COLUMNS})
    )
    summary = pl.DataFrame(
        [
            {
                "candidate": label,
                "degraded": comp.degraded,
                "aggregate_pvalue": (
                    float(comp.aggregate.pvalue) if comp.aggregate is not None
                    else float(comp.tasks["pvalue"][0]) if comp.tasks.height == 1 else None
                ),
                "n_tasks": comp.tasks.height,
                "n_degraded": int(comp.tasks.get_column("degraded").sum()),
                "verdict": comp.verdict,
            }
            for label, comp in comparisons.items()
        ],
        schema=SUMMARY_COLUMNS,
    )  # fmt: skip
    return Audit(
        reference=reference,
        comparisons=comparisons,
        table=table,
        summary=summary,
        degraded=any(c.degraded for c in comparisons.values()),
    )


__all__ = [
    "SKIPPED_COLUMNS",
    "SUMMARY_COLUMNS",
    "TASK_COLUMNS",
    "Audit",
    "Comparison",
    "audit",
    "compare",
]
