"""Per-task sufficient statistics of candidates against one reference: :class:`TaskStats`.

Everything the per-task tests, the suite test, the adjustments and the verdicts
need from the samples files, and nothing else. An audit reads each candidate
once into a :class:`TaskStats`; the decision (:mod:`fastmcnemar.compare.decision`)
runs on these alone. They are small, picklable, Arrow-serialisable and
mergeable, so they can be computed on other processes or machines and shipped
back (see ``docs/engine.md``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from fastmcnemar.compare.flips import STATS_FLIP_COLUMNS, empty_flips
from fastmcnemar.compare.results import SKIPPED_COLUMNS
from fastmcnemar.exceptions import InvalidArgumentError

#: Arrow schema-metadata key holding the non-tabular parts of a :class:`TaskStats`.
ARROW_METADATA_KEY = b"fastmcnemar.task_stats"

#: Format version written by :meth:`TaskStats.to_arrow`.
FORMAT_VERSION = 1

#: The per-cluster counts a row may carry (filled by the cluster-aware tests).
CLUSTER_STRUCT = pl.Struct(
    {"cluster": pl.Int64(), "n": pl.Int64(), "b": pl.Int64(), "c": pl.Int64()}
)

#: Columns of :attr:`TaskStats.rows`, in order.
STATS_COLUMNS: dict[str, pl.DataType] = {
    "candidate": pl.Utf8(),
    "task": pl.Utf8(),
    "filter": pl.Utf8(),
    "metric": pl.Utf8(),
    "lower_is_better": pl.Boolean(),
    "kind": pl.Utf8(),
    "n": pl.Int64(),
    "b": pl.Int64(),
    "c": pl.Int64(),
    "reference_sum": pl.Float64(),
    "candidate_sum": pl.Float64(),
    "doc_codes": pl.List(pl.Int64()),
    "reference_scores": pl.List(pl.Float64()),
    "candidate_scores": pl.List(pl.Float64()),
    "clusters": pl.List(CLUSTER_STRUCT),
}

#: Columns of :attr:`TaskStats.skipped`.
STATS_SKIPPED_COLUMNS: dict[str, pl.DataType] = {"candidate": pl.Utf8(), **SKIPPED_COLUMNS}

_KEY = ["candidate", "task", "filter", "metric"]


@dataclass(frozen=True, eq=False)
class TaskStats:
    """Mergeable per-task statistics of one or more candidates against one reference.

    One row of :attr:`rows` per (candidate, task, filter, metric) tested:

    ========================  ===============================================================
    ``candidate``             the candidate's label in the audit
    ``task``, ``filter``,     what was tested (the chosen metric of the task)
    ``metric``
    ``lower_is_better``       the metric was flipped so that higher is better (1 - x for
                              binary scores, -x for continuous ones) before anything below
    ``kind``                  ``"binary"`` (every paired score 0 or 1) or ``"continuous"``
    ``n``                     paired samples
    ``b``, ``c``              pairs where the reference / the candidate scored higher
    ``reference_sum``,        sums of the (oriented) scores: accuracies are sum / n
    ``candidate_sum``
    ``doc_codes``             continuous rows only: the docs' codes in the reference index
                              (:class:`~fastmcnemar.compare.engine.ReferenceIndex`),
                              ascending, which is the order of the harness's doc ids
    ``reference_scores``,     continuous rows only: the paired scores in ``doc_codes``
    ``candidate_scores``      order, so every engine gives bit-identical resampling
    ``clusters``              optional per-cluster counts ``{cluster, n, b, c}``; null
                              unless a cluster-aware engine filled it
    ========================  ===============================================================

    Attributes
    ----------
    rows : polars.DataFrame
        The table above (:data:`STATS_COLUMNS`).
    skipped : polars.DataFrame
        What could not be tested per candidate and why (candidate, task, filter,
        metric, reason), in the order it was found.
    metadata : dict
        Per candidate label: the JSON-serialisable run metadata the reports
        show (``reference``, ``candidate``, ``hash_checks``, ``notes``).
    index_key : str
        Fingerprint of the reference index the doc codes refer to; parts from
        different indexes refuse to merge.

    Notes
    -----
    ``a.merge(b)`` (or ``a + b``) combines parts computed separately: rows of
    different candidates or tasks are concatenated; two parts of one row must
    hold disjoint docs. Binary rows add (n, b, c, sums and cluster counts);
    continuous rows concatenate their docs and re-sort them by doc code, which
    gives the same arrays as computing the row in one piece. A row that is
    binary in one part and continuous in another cannot be merged exactly
    (the binary part kept no per-doc scores) and raises; compute such a
    task's docs in one piece.

    Examples
    --------
    >>> from fastmcnemar import TaskStats
    >>> from fastmcnemar.compare.engine import candidate_stats, index_reference
    >>> from fastmcnemar.data import example_path
    >>> index = index_reference(example_path("reference"))
    >>> stats = candidate_stats(index, example_path("degraded"), label="int4")
    >>> stats.rows.select("task", "kind", "n", "b", "c").head(2).rows()
    [('demo_arith', 'binary', 120, 17, 2), ('demo_group_add', 'binary', 60, 3, 1)]
    >>> TaskStats.from_arrow(stats.to_arrow()).rows.equals(stats.rows)
    True
    """

    rows: pl.DataFrame
    skipped: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema=STATS_SKIPPED_COLUMNS)
    )
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    index_key: str = ""
    flips: pl.DataFrame = field(default_factory=lambda: empty_flips(with_candidate=True))

    def __post_init__(self) -> None:
        if dict(self.rows.schema) != STATS_COLUMNS:
            raise InvalidArgumentError(
                f"TaskStats rows: expected columns {list(STATS_COLUMNS)} with their types, "
                f"got {dict(self.rows.schema)}"
            )
        if dict(self.flips.schema) != STATS_FLIP_COLUMNS:
            raise InvalidArgumentError(
                f"TaskStats flips: expected columns {list(STATS_FLIP_COLUMNS)}, "
                f"got {dict(self.flips.schema)}"
            )
        if dict(self.skipped.schema) != STATS_SKIPPED_COLUMNS:
            raise InvalidArgumentError(
                f"TaskStats skipped: expected columns {list(STATS_SKIPPED_COLUMNS)}, "
                f"got {dict(self.skipped.schema)}"
            )

    @property
    def candidates(self) -> list[str]:
        """Candidate labels, in order of first appearance (rows, then skipped, then metadata)."""
        seen: dict[str, None] = {}
        for name in self.rows.get_column("candidate").to_list():
            seen.setdefault(name)
        for name in self.skipped.get_column("candidate").to_list():
            seen.setdefault(name)
        for name in self.metadata:
            seen.setdefault(name)
        return list(seen)

    def select(self, candidate: str) -> TaskStats:
        """The statistics of one candidate."""
        return TaskStats(
            self.rows.filter(pl.col("candidate") == candidate),
            self.skipped.filter(pl.col("candidate") == candidate),
            {candidate: self.metadata[candidate]} if candidate in self.metadata else {},
            self.index_key,
            self.flips.filter(pl.col("candidate") == candidate),
        )

    # ------------------------------------------------------------------ merge

    def merge(self, other: TaskStats) -> TaskStats:
        """These statistics combined with ``other`` (see the class notes)."""
        if not isinstance(other, TaskStats):
            raise InvalidArgumentError(f"can only merge TaskStats, got {type(other).__name__}")
        if self.index_key and other.index_key and self.index_key != other.index_key:
            raise InvalidArgumentError(
                "TaskStats computed against different reference indexes cannot be merged "
                f"({self.index_key} vs {other.index_key})"
            )
        rows = _merge_rows(self.rows, other.rows)
        skipped = pl.concat([self.skipped, other.skipped]).unique(maintain_order=True)
        metadata = {k: v for k, v in self.metadata.items()}
        for label, meta in other.metadata.items():
            metadata[label] = _merge_metadata(metadata[label], meta) if label in metadata else meta
        flips = pl.concat([self.flips, other.flips])
        return TaskStats(rows, skipped, metadata, self.index_key or other.index_key, flips)

    def __add__(self, other: TaskStats) -> TaskStats:
        return self.merge(other)

    @classmethod
    def concat(cls, parts: Iterable[TaskStats]) -> TaskStats:
        """All ``parts`` merged, in order."""
        out: TaskStats | None = None
        for part in parts:
            out = part if out is None else out.merge(part)
        return out if out is not None else cls(pl.DataFrame(schema=STATS_COLUMNS))

    # ------------------------------------------------------------------ arrow

    def to_arrow(self) -> Any:
        """A ``pyarrow.Table`` of :attr:`rows`; skipped, metadata and the index key
        travel as JSON in the schema metadata (key :data:`ARROW_METADATA_KEY`).
        Needs pyarrow (the ``fastmcnemar[arrow]`` extra)."""
        table = self.rows.to_arrow()
        extra = {
            "version": FORMAT_VERSION,
            "index_key": self.index_key,
            "skipped": [list(r) for r in self.skipped.iter_rows()],
            "flips": [list(r) for r in self.flips.iter_rows()],
            "metadata": self.metadata,
        }
        meta = dict(table.schema.metadata or {})
        meta[ARROW_METADATA_KEY] = json.dumps(extra).encode()
        return table.replace_schema_metadata(meta)

    @classmethod
    def from_arrow(cls, table: Any) -> TaskStats:
        """The :class:`TaskStats` a :meth:`to_arrow` table holds."""
        meta = (table.schema.metadata or {}).get(ARROW_METADATA_KEY)
        if meta is None:
            raise InvalidArgumentError(
                "not a TaskStats table: its Arrow schema lacks the fastmcnemar.task_stats metadata"
            )
        from fastmcnemar.ingest.safe_io import loads

        extra = loads(meta, "TaskStats table metadata")  # bounded nesting
        if not isinstance(extra, dict):
            raise InvalidArgumentError("TaskStats table metadata is not a JSON object")
        if extra.get("version") != FORMAT_VERSION:
            raise InvalidArgumentError(
                f"TaskStats table format {extra.get('version')!r} is not {FORMAT_VERSION}"
            )
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        rows = frame.select([pl.col(c).cast(t) for c, t in STATS_COLUMNS.items()])
        skipped = pl.DataFrame(
            [tuple(r) for r in extra["skipped"]], schema=STATS_SKIPPED_COLUMNS, orient="row"
        )
        flips = pl.DataFrame(
            [tuple(r) for r in extra.get("flips", [])], schema=STATS_FLIP_COLUMNS, orient="row"
        )
        return cls(rows, skipped, dict(extra["metadata"]), str(extra["index_key"]), flips)


def _merge_rows(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    if right.height == 0:
        return left
    if left.height == 0:
        return right
    both = pl.concat([left, right])
    counts = both.group_by(_KEY).len()
    if counts.get_column("len").max() == 1:
        return both
    # Combine the rows that occur in both parts, keeping first-appearance order.
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for row in both.iter_rows(named=True):
        key = tuple(row[k] for k in _KEY)
        out[key] = _merge_row(out[key], row) if key in out else row
    return pl.DataFrame(list(out.values()), schema=STATS_COLUMNS)


def _merge_row(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    where = f"candidate {a['candidate']!r} task {a['task']!r} ({a['filter']}, {a['metric']})"
    if a["kind"] != b["kind"]:
        raise InvalidArgumentError(
            f"TaskStats {where}: binary in one part and continuous in another; "
            "compute this task's docs in one piece"
        )
    if a["lower_is_better"] != b["lower_is_better"]:
        raise InvalidArgumentError(f"TaskStats {where}: the parts disagree on lower_is_better")
    out = dict(a)
    out["clusters"] = _merge_clusters(a["clusters"], b["clusters"])
    if a["kind"] == "binary":
        for name in ("n", "b", "c", "reference_sum", "candidate_sum"):
            out[name] = a[name] + b[name]
        return out
    codes = np.asarray(a["doc_codes"] + b["doc_codes"], dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    if codes.size > 1 and bool(np.any(codes[1:] == codes[:-1])):
        dup = int(codes[1:][codes[1:] == codes[:-1]][0])
        raise InvalidArgumentError(
            f"TaskStats {where}: both parts hold doc code {dup}; merged parts must hold "
            "disjoint docs"
        )
    ref = np.asarray(a["reference_scores"] + b["reference_scores"], dtype=np.float64)[order]
    cand = np.asarray(a["candidate_scores"] + b["candidate_scores"], dtype=np.float64)[order]
    out.update(
        n=int(codes.size),
        b=int(np.count_nonzero(ref > cand)),
        c=int(np.count_nonzero(cand > ref)),
        reference_sum=float(ref.sum()),
        candidate_sum=float(cand.sum()),
        doc_codes=codes.tolist(),
        reference_scores=ref.tolist(),
        candidate_scores=cand.tolist(),
    )
    return out


def _merge_clusters(a: list[dict[str, int]] | None, b: list[dict[str, int]] | None) -> Any:
    if a is None or b is None:
        return a if b is None else b
    totals: dict[int, dict[str, int]] = {}
    for entry in [*a, *b]:
        slot = totals.setdefault(
            entry["cluster"], {"cluster": entry["cluster"], "n": 0, "b": 0, "c": 0}
        )
        for name in ("n", "b", "c"):
            slot[name] += entry[name]
    return [totals[k] for k in sorted(totals)]


def _merge_metadata(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """One candidate's metadata from two parts: files and notes united, hash counts added."""
    out = json.loads(json.dumps(a))
    for side in ("reference", "candidate"):
        if side in out and side in b:
            out[side]["files"] = sorted({*out[side].get("files", []), *b[side].get("files", [])})
            out[side].setdefault("tasks", {}).update(
                {k: v for k, v in b[side].get("tasks", {}).items() if k not in out[side]["tasks"]}
            )
    checks = out.setdefault("hash_checks", {"samples_with_hashes": 0, "prompt_hash_differs": {}})
    other = b.get("hash_checks", {})
    checks["samples_with_hashes"] = checks.get("samples_with_hashes", 0) + other.get(
        "samples_with_hashes", 0
    )
    differs = checks.setdefault("prompt_hash_differs", {})
    for task, count in other.get("prompt_hash_differs", {}).items():
        differs[task] = differs.get(task, 0) + count
    notes = out.setdefault("notes", [])
    notes.extend(n for n in b.get("notes", []) if n not in notes)
    return dict(out)


__all__ = ["ARROW_METADATA_KEY", "STATS_COLUMNS", "STATS_SKIPPED_COLUMNS", "TaskStats"]
