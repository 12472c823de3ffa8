"""Pairing two score frames sample by sample, with every mismatch said out loud.

The pair key is (task, filter, metric, doc_id). Nothing is dropped silently:
anything that does not pair is an error, or a :class:`~fastmcnemar.PairingWarning`
when the caller asked for it explicitly (``allow_missing=``, ``allow_hash_mismatch=``)
or when it cannot be wrong data (a task run on one side only, a changed prompt).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from fastmcnemar._fork_guard import check_fork_safe
from fastmcnemar.exceptions import InputFormatError, PairingError, PairingWarning
from fastmcnemar.ingest.schema import HASH_COLUMNS, KEY_COLUMNS, validate_score_frame

#: Columns of the frame :func:`pair` returns.
PAIRED_SCHEMA: dict[str, pl.DataType] = {
    "task": pl.Utf8(),
    "filter": pl.Utf8(),
    "metric": pl.Utf8(),
    "doc_id": pl.Utf8(),
    "reference": pl.Float64(),
    "candidate": pl.Float64(),
}

_SIDES = ("reference", "candidate")
_MAX_IDS = 5


@dataclass
class PairingReport:
    """The paired samples plus what could not be paired (for reports)."""

    paired: pl.DataFrame
    # (task, filter, metric, reason) of everything that exists on one side only.
    one_sided: list[tuple[str, str, str, str]] = field(default_factory=list)
    # Human-readable notes of accepted mismatches (warned).
    notes: list[str] = field(default_factory=list)
    prompt_hash_differs: dict[str, int] = field(default_factory=dict)
    hashes_checked: int = 0


def _ids(values: list[str]) -> str:
    shown = ", ".join(_sorted_ids(values)[:_MAX_IDS])
    more = len(values) - _MAX_IDS
    return shown + (f" and {more} more" if more > 0 else "")


def _sorted_ids(values: list[str]) -> list[str]:
    return sorted(values, key=lambda v: (0, int(v), v) if v.lstrip("-").isdigit() else (1, 0, v))


def _files(frame: pl.DataFrame, task: str) -> str:
    files = frame.filter(pl.col("task") == task).get_column("source").unique().sort().to_list()
    return ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")


def _where(task: str, filt: str, metric: str) -> str:
    return f"task {task!r} (filter {filt!r}, metric {metric!r})"


def _single_model(frame: pl.DataFrame, side: str) -> None:
    models = frame.get_column("model").unique().sort().to_list()
    if len(models) > 1:
        raise PairingError(
            f"{side} holds {len(models)} models ({', '.join(models)}): choose one "
            "(read with model=..., or pass a results_*.json file)"
        )


def _no_duplicates(frame: pl.DataFrame, side: str) -> None:
    dup = frame.filter(pl.len().over(list(KEY_COLUMNS)) > 1)
    if dup.height == 0:
        return
    first = dup.row(0, named=True)
    same = dup.filter(
        (pl.col("task") == first["task"])
        & (pl.col("filter") == first["filter"])
        & (pl.col("metric") == first["metric"])
    )
    ids = same.get_column("doc_id").unique().to_list()
    raise PairingError(
        f"{side} {_where(first['task'], first['filter'], first['metric'])}: duplicate doc ids "
        f"{_ids(ids)} in {', '.join(sorted(set(same.get_column('source').to_list())))} "
        "(two runs of one task mixed? read one run with timestamp=)"
    )


def _check_scores(frame: pl.DataFrame, side: str) -> None:
    bad = frame.filter(
        pl.col("score").is_null() | pl.col("score").is_nan() | pl.col("score").is_infinite()
    )
    if bad.height == 0:
        return
    first = bad.row(0, named=True)
    same = bad.filter(
        (pl.col("task") == first["task"])
        & (pl.col("filter") == first["filter"])
        & (pl.col("metric") == first["metric"])
    )
    raise PairingError(
        f"{side} {_where(first['task'], first['filter'], first['metric'])}: missing, NaN or "
        f"infinite score for doc ids {_ids(same.get_column('doc_id').to_list())} "
        f"in {first['source']}"
    )


def _check_ranges(joined: pl.DataFrame, ref: pl.DataFrame, cand: pl.DataFrame) -> None:
    """A metric that is 0/1 on one side must be within [0, 1] on the other."""
    stats = joined.group_by(["task", "filter", "metric"], maintain_order=True).agg(
        pl.col("reference").is_in([0.0, 1.0]).all().alias("ref_binary"),
        pl.col("candidate").is_in([0.0, 1.0]).all().alias("cand_binary"),
        ((pl.col("reference") < 0) | (pl.col("reference") > 1)).any().alias("ref_out"),
        ((pl.col("candidate") < 0) | (pl.col("candidate") > 1)).any().alias("cand_out"),
    )
    for row in stats.iter_rows(named=True):
        for binary, out, other, frame in (
            ("ref_binary", "cand_out", "candidate", cand),
            ("cand_binary", "ref_out", "reference", ref),
        ):
            if row[binary] and row[out]:
                where = (
                    (pl.col("task") == row["task"])
                    & (pl.col("filter") == row["filter"])
                    & (pl.col("metric") == row["metric"])
                )
                vals = joined.filter(where & ((pl.col(other) < 0) | (pl.col(other) > 1)))
                ids = vals.get_column("doc_id").to_list()
                raise PairingError(
                    f"{other} {_where(row['task'], row['filter'], row['metric'])}: scores outside "
                    f"[0, 1] (e.g. {vals.get_column(other)[0]!r}) for doc ids {_ids(ids)} in "
                    f"{_files(frame, row['task'])}, while the other side is 0/1: "
                    "different metric definitions?"
                )


def _hash_check(
    joined: pl.DataFrame,
    report: PairingReport,
    *,
    allow_hash_mismatch: bool,
    ref: pl.DataFrame,
    cand: pl.DataFrame,
) -> None:
    for name, fatal in (("doc_hash", True), ("target_hash", True), ("prompt_hash", False)):
        a, b = f"{name}_reference", f"{name}_candidate"
        both = joined.filter(pl.col(a).is_not_null() & pl.col(b).is_not_null())
        if name == "doc_hash":
            report.hashes_checked = both.height
        differ = both.filter(pl.col(a) != pl.col(b))
        if differ.height == 0:
            continue
        for (task,), group in differ.group_by(["task"], maintain_order=True):
            ids = group.get_column("doc_id").unique().to_list()
            what = (
                "data" if name == "doc_hash" else "targets" if name == "target_hash" else "prompts"
            )
            message = (
                f"task {task!r}: {name} differs for {len(ids)} doc id(s) ({_ids(ids)}): the two "
                f"runs used different {what} (reference {_files(ref, str(task))}; "
                f"candidate {_files(cand, str(task))})"
            )
            if name == "prompt_hash":
                report.prompt_hash_differs[str(task)] = len(ids)
                report.notes.append(message + "; a changed chat template or system prompt")
                warnings.warn(
                    message + "; a changed chat template or system prompt?",
                    PairingWarning,
                    stacklevel=4,
                )
            elif fatal and not allow_hash_mismatch:
                raise PairingError(message + "; pass allow_hash_mismatch=True to pair them anyway")
            else:
                report.notes.append(message)
                warnings.warn(
                    message + " (paired anyway: allow_hash_mismatch)", PairingWarning, stacklevel=4
                )


def pair_report(
    reference: pl.DataFrame,
    candidate: pl.DataFrame,
    *,
    allow_hash_mismatch: bool = False,
    allow_missing: bool = False,
) -> PairingReport:
    """:func:`pair` returning a :class:`PairingReport` and warning nothing about one-sided tasks."""
    ref = validate_score_frame(reference, what="reference")
    cand = validate_score_frame(candidate, what="candidate")
    for frame, side in ((ref, "reference"), (cand, "candidate")):
        if frame.height == 0:
            raise PairingError(f"{side} has no samples")
        _single_model(frame, side)
        _no_duplicates(frame, side)
    report = PairingReport(paired=pl.DataFrame(schema=PAIRED_SCHEMA))
    triples = ["task", "filter", "metric"]
    ref_keys = ref.select(triples).unique()
    cand_keys = cand.select(triples).unique()
    ref_tasks = set(ref_keys.get_column("task").to_list())
    cand_tasks = set(cand_keys.get_column("task").to_list())
    for side, mine, theirs in (
        ("reference", ref_keys, cand_keys),
        ("candidate", cand_keys, ref_keys),
    ):
        other_tasks = set(theirs.get_column("task").to_list())
        only = mine.join(theirs, on=triples, how="anti").sort(triples)
        for task, filt, metric in only.iter_rows():
            reason = (
                f"task only in {side}"
                if task not in other_tasks
                else f"filter/metric only in {side}"
            )
            report.one_sided.append((task, filt, metric, reason))
    common = ref_tasks & cand_tasks
    if not common:
        raise PairingError(
            "reference and candidate have no task in common (reference: "
            f"{', '.join(sorted(ref_tasks))}; candidate: {', '.join(sorted(cand_tasks))})"
        )
    keys = ref_keys.join(cand_keys, on=triples, how="inner")
    if keys.height == 0:
        raise PairingError("reference and candidate share tasks but no (filter, metric)")
    ref_in = ref.join(keys, on=triples, how="semi")
    cand_in = cand.join(keys, on=triples, how="semi")
    hashes = list(HASH_COLUMNS)
    joined = ref_in.select([*KEY_COLUMNS, "score", *hashes, "source"]).join(
        cand_in.select([*KEY_COLUMNS, "score", *hashes, "source"]),
        on=list(KEY_COLUMNS),
        how="full",
        coalesce=True,
        suffix="_candidate",
    )
    joined = joined.rename(
        {
            "score": "reference",
            "score_candidate": "candidate",
            **{h: f"{h}_reference" for h in hashes},
        }
    )
    # The full join marks a doc missing on one side by a null source there.
    for side, frame in (("reference", ref_in), ("candidate", cand_in)):
        other = "candidate" if side == "reference" else "reference"
        src = "source" if other == "reference" else "source_candidate"
        missing = joined.filter(pl.col(src).is_null())
        if missing.height == 0:
            continue
        for (task, filt, metric), group in missing.group_by(triples, maintain_order=True):
            ids = group.get_column("doc_id").to_list()
            message = (
                f"{_where(str(task), str(filt), str(metric))}: {len(ids)} doc id(s) only in "
                f"{side} ({_files(frame, str(task))}): {_ids(ids)}"
            )
            if not allow_missing:
                raise PairingError(
                    message + "; the runs cover different samples (limit/--samples?). "
                    "Pass allow_missing=True to test the common samples only"
                )
            report.notes.append(message)
            warnings.warn(message + " (left out: allow_missing)", PairingWarning, stacklevel=3)
    joined = joined.filter(
        pl.col("source").is_not_null() & pl.col("source_candidate").is_not_null()
    )
    _check_scores(
        ref_in.join(joined.select(KEY_COLUMNS), on=list(KEY_COLUMNS), how="semi"), "reference"
    )
    _check_scores(
        cand_in.join(joined.select(KEY_COLUMNS), on=list(KEY_COLUMNS), how="semi"), "candidate"
    )
    _check_ranges(joined, ref_in, cand_in)
    _hash_check(joined, report, allow_hash_mismatch=allow_hash_mismatch, ref=ref_in, cand=cand_in)
    report.paired = (
        joined.select(list(PAIRED_SCHEMA))
        .with_columns(
            pl.col("doc_id").str.to_integer(strict=False).alias("_num"),
        )
        .sort(["task", "filter", "metric", "_num", "doc_id"], nulls_last=True)
        .drop("_num")
    )
    return report


def pair(
    reference: Any,
    candidate: Any,
    /,
    *,
    allow_hash_mismatch: bool = False,
    allow_missing: bool = False,
) -> pl.DataFrame:
    """Pair two score frames sample by sample.

    Inner join on (task, filter, metric, doc_id) with checks; every failed check
    names the task, the doc ids and the files involved.

    Parameters
    ----------
    reference, candidate : polars.DataFrame, pandas.DataFrame or Arrow table
        Score frames (any object with ``__arrow_c_stream__`` works); a table with
        only ``task``, ``doc_id`` and ``score`` gets the other columns defaulted.
        One model each, e.g. from :func:`read_lm_eval`.
    allow_hash_mismatch : bool, default False
        Pair samples whose ``doc_hash`` / ``target_hash`` differ (the runs saw
        different data) with a warning instead of an error.
    allow_missing : bool, default False
        Within a task both runs have, pair the common doc ids and warn about the
        others instead of raising.

    Returns
    -------
    polars.DataFrame
        Columns task, filter, metric, doc_id, reference, candidate (scores),
        sorted by task, filter, metric and doc id.

    Raises
    ------
    PairingError
        Several models on one side, duplicate doc ids, doc ids on one side only,
        missing/NaN/infinite scores, a 0/1 metric with values outside [0, 1] on
        the other side, differing ``doc_hash``/``target_hash``, no task in common.

    Warns
    -----
    PairingWarning
        A task or (filter, metric) present on one side only (left out), differing
        ``prompt_hash`` (another chat template or system prompt), and the
        mismatches accepted through the keywords above.

    Examples
    --------
    >>> import polars as pl
    >>> from fastmcnemar import pair
    >>> from fastmcnemar.ingest.schema import conform
    >>> def frame(model, scores):
    ...     return conform(pl.DataFrame({"model": model, "task": "t", "metric": "acc",
    ...         "doc_id": [str(i) for i in range(len(scores))], "score": scores,
    ...         "source": f"{model}.csv"}))
    >>> pair(frame("a", [1.0, 1.0, 0.0]), frame("b", [1.0, 0.0, 0.0]))["candidate"].to_list()
    [1.0, 0.0, 0.0]
    """
    check_fork_safe()  # Polars would hang in a child forked after use
    from fastmcnemar.ingest.frames import score_frame

    frames: list[pl.DataFrame] = []
    for run, side in zip((reference, candidate), _SIDES, strict=True):
        frame = score_frame(run, what=side)
        if frame is None:
            raise InputFormatError(
                f"{side}: expected a table (polars or pandas DataFrame, or an object with "
                f"__arrow_c_stream__), got {type(run).__name__}"
            )
        frames.append(frame)
    report = pair_report(
        frames[0], frames[1], allow_hash_mismatch=allow_hash_mismatch, allow_missing=allow_missing
    )
    for task, filt, metric, reason in report.one_sided:
        warnings.warn(
            f"{_where(task, filt, metric)}: {reason}, left out", PairingWarning, stacklevel=2
        )
    return report.paired


__all__ = ["PAIRED_SCHEMA", "PairingReport", "pair", "pair_report"]
