"""Cluster labels for compare/audit: where they come from, and the per-task data they give.

``cluster=`` names where each sample's cluster comes from:

- a column of the reference score frame (``"passage_id"``), when the reference
  is a polars DataFrame carrying that extra column;
- a dotted path into the lm-eval ``doc`` (``"doc.passage_id"``,
  ``"doc.meta.source"``), read from the reference's samples files (parsed once
  more, line by line, only when such a key is given);
- a dotted path into Inspect sample metadata (``"metadata.passage"``);
- ``"id"``: the Inspect sample id, so the epochs of one sample form a cluster
  (the default for Inspect logs read per epoch);
- a mapping ``{doc_id: cluster}``, a polars DataFrame with columns ``doc_id``,
  ``cluster`` (and optionally ``task``), or a CSV / JSON / JSON-lines / Parquet
  file holding such a table (a JSON object is read as the mapping).

Labels are read from the reference; a paired sample without one is an error
that names the task and doc id (never a silent drop).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from fastmcnemar.exceptions import InputFormatError, InvalidArgumentError
from fastmcnemar.ingest.safe_io import loads, open_regular, read_bounded, require_regular

ClusterSpec = str | os.PathLike[str] | Mapping[Any, Any] | pl.DataFrame | None

#: Columns of a cluster table: ``task`` null means "every task".
LABEL_SCHEMA: dict[str, pl.DataType] = {
    "task": pl.Utf8(),
    "doc_id": pl.Utf8(),
    "cluster": pl.Utf8(),
}
_TABLE_SUFFIXES = (".csv", ".json", ".jsonl", ".ndjson", ".parquet")


@dataclass(frozen=True, eq=False)
class ClusterIndex:
    """Cluster codes of the reference's docs, per task (picklable).

    ``codes[task]`` maps a doc code of the reference index to a cluster code
    (-1: no label); ``labels[task]`` are the cluster labels in code order.
    """

    key: str
    codes: dict[str, np.ndarray[Any, np.dtype[np.int64]]] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=dict)

    def of(
        self, task: str, doc_codes: np.ndarray[Any, Any], doc_ids: pl.Series
    ) -> np.ndarray[Any, np.dtype[np.int64]]:
        """Cluster codes of ``doc_codes`` in ``task``; a doc without a label is an error."""
        table = self.codes.get(task)
        out = (
            np.full(len(doc_codes), -1, dtype=np.int64)
            if table is None
            else table[np.asarray(doc_codes, dtype=np.int64)]
        )
        missing = np.flatnonzero(out < 0)
        if missing.size:
            doc = doc_ids[int(np.asarray(doc_codes)[missing[0]])]
            raise InputFormatError(
                f"cluster {self.key}: task {task!r}, doc_id {doc!r} has no cluster label "
                f"({missing.size} of {len(doc_codes)} paired samples of the task have none)"
            )
        return out


def _describe(spec: ClusterSpec) -> str:
    if isinstance(spec, (str, os.PathLike)):
        return repr(str(spec))
    if isinstance(spec, pl.DataFrame):
        return "table"
    return "mapping"


def _from_mapping(mapping: Mapping[Any, Any]) -> pl.DataFrame:
    rows = [(None, str(k), None if v is None else str(v)) for k, v in mapping.items()]
    return pl.DataFrame(rows, schema=LABEL_SCHEMA, orient="row")


def _from_table(frame: pl.DataFrame, where: str) -> pl.DataFrame:
    missing = [c for c in ("doc_id", "cluster") if c not in frame.columns]
    if missing:
        raise InputFormatError(
            f"{where}: a cluster table needs columns doc_id and cluster "
            f"(and optionally task); missing {', '.join(missing)}"
        )
    task = pl.col("task").cast(pl.Utf8) if "task" in frame.columns else pl.lit(None, pl.Utf8)
    return frame.select(
        task.alias("task"),
        pl.col("doc_id").cast(pl.Utf8),
        pl.col("cluster").cast(pl.Utf8),
    )


def _from_file(path: Path) -> pl.DataFrame:
    suffix = path.suffix.lower()
    require_regular(path)  # polars would block on a FIFO
    try:
        if suffix == ".csv":
            return _from_table(pl.read_csv(path, infer_schema=False), str(path))
        if suffix == ".parquet":
            return _from_table(pl.read_parquet(path), str(path))
        if suffix in (".jsonl", ".ndjson"):
            return _from_table(pl.read_ndjson(path), str(path))
        data = loads(read_bounded(path), str(path))
    except (OSError, ValueError, pl.exceptions.PolarsError) as err:
        raise InputFormatError(f"{path}: cannot read the cluster file: {err}") from None
    if isinstance(data, dict):
        return _from_mapping(data)
    if isinstance(data, list):
        return _from_table(pl.DataFrame(data), str(path))
    raise InputFormatError(f"{path}: a JSON cluster file holds an object {{doc_id: cluster}}")


def _dotted(value: Any, path: list[str]) -> Any:
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _label_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _records(path: Path, *, legacy: bool) -> Iterator[tuple[int, Any]]:
    """(line or position, record) of an lm-eval samples file (JSONL, or a legacy JSON
    array), read as the scanner reads it: regular files only, bounded, named errors."""
    if legacy:
        try:
            records = loads(read_bounded(path), str(path))
        except ValueError as err:
            raise InputFormatError(f"{path}: not valid JSON ({err})") from None
        yield from enumerate(records if isinstance(records, list) else [], start=1)
        return
    with open_regular(path) as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield number, loads(line, f"{path}: line {number}")
            except ValueError as err:
                raise InputFormatError(f"{path}: line {number}: not valid JSON ({err})") from None


def _lm_eval_doc_labels(run_path: Path, dotted: list[str], tasks: list[str]) -> pl.DataFrame:
    """``doc.<path>`` of every sample of ``tasks``, from the lm-eval samples files."""
    from fastmcnemar.ingest.lm_eval_layout import discover

    found = discover(run_path)
    rows: dict[tuple[str, str], str | None] = {}
    for samples in found.files:
        if samples.task not in tasks:
            continue
        for number, record in _records(samples.path, legacy=samples.legacy):
            if not isinstance(record, dict) or "doc_id" not in record:
                continue
            doc = record.get("doc")
            label = _label_text(_dotted(doc, dotted))
            if label is None:
                raise InputFormatError(
                    f"{samples.path}: line {number}, doc_id {record['doc_id']}: "
                    f"doc has no field {'.'.join(dotted)!r} for --cluster"
                )
            rows[(samples.task, str(record["doc_id"]))] = label
    return pl.DataFrame(
        [(t, d, c) for (t, d), c in rows.items()], schema=LABEL_SCHEMA, orient="row"
    )


def _inspect_labels(run_path: Path, dotted: list[str]) -> pl.DataFrame:
    """``metadata.<path>`` (or the id) of every Inspect sample, keyed like the score frame."""
    from fastmcnemar.ingest.inspect_samples import sample_fields

    rows = []
    for task, sid, epoch, metadata in sample_fields(run_path):
        value = sid if dotted == ["id"] else _dotted(metadata, dotted[1:])
        label = _label_text(value)
        if label is None:
            raise InputFormatError(
                f"{run_path}: task {task!r}, sample {sid!r}: no {'.'.join(dotted)!r} for --cluster"
            )
        rows.append((task, str(sid), label))
        rows.append((task, f"{sid}#{epoch}", label))
    return pl.DataFrame(rows, schema=LABEL_SCHEMA, orient="row").unique(
        ["task", "doc_id"], keep="first", maintain_order=True
    )


def cluster_labels(
    spec: ClusterSpec, reference: Any, run_fmt: str, tasks: list[str]
) -> pl.DataFrame:
    """The (task, doc_id, cluster) table ``spec`` names, for the reference run."""
    if isinstance(spec, Mapping):
        return _from_mapping(spec)
    if isinstance(spec, pl.DataFrame):
        return _from_table(spec, "cluster table")
    if isinstance(spec, os.PathLike) or (
        isinstance(spec, str) and spec.lower().endswith(_TABLE_SUFFIXES) and Path(spec).is_file()
    ):
        return _from_file(Path(spec))
    if isinstance(spec, str) and spec.lower().endswith(_TABLE_SUFFIXES):
        raise InputFormatError(f"{spec}: no such cluster file")
    if not isinstance(spec, str) or not spec:
        raise InvalidArgumentError(
            "cluster must name a column, doc.<field>, metadata.<field>, id, a mapping "
            f"or a file; got {spec!r}"
        )
    parts = spec.split(".")
    if parts[0] == "doc" and len(parts) > 1:
        if run_fmt != "lm_eval" or not isinstance(reference, (str, os.PathLike)):
            raise InvalidArgumentError(
                f"cluster {spec!r}: doc.<field> reads lm-eval samples files, but the "
                f"reference is {run_fmt!r} input"
            )
        return _lm_eval_doc_labels(Path(reference), parts[1:], tasks)
    if (parts[0] == "metadata" and len(parts) > 1) or spec == "id":
        if run_fmt != "inspect" or not isinstance(reference, (str, os.PathLike)):
            raise InvalidArgumentError(
                f"cluster {spec!r}: metadata.<field> and id read Inspect logs, but the "
                f"reference is {run_fmt!r} input"
            )
        return _inspect_labels(Path(reference), parts)
    if isinstance(reference, pl.DataFrame):
        if spec not in reference.columns:
            raise InvalidArgumentError(
                f"cluster {spec!r}: not a column of the reference frame "
                f"(columns: {', '.join(reference.columns)})"
            )
        return reference.select(
            pl.col("task").cast(pl.Utf8),
            pl.col("doc_id").cast(pl.Utf8),
            pl.col(spec).cast(pl.Utf8).alias("cluster"),
        ).unique(["task", "doc_id"], keep="first", maintain_order=True)
    if run_fmt == "scores" and isinstance(reference, (str, os.PathLike)):
        return _score_file_labels(Path(reference), spec)
    raise InvalidArgumentError(
        f"cluster {spec!r}: not doc.<field> (lm-eval), metadata.<field> or id (Inspect), "
        "a file, or a column of a reference score frame or score file"
    )


def _score_file_labels(path: Path, column: str) -> pl.DataFrame:
    """Column ``column`` of a generic score file (or a folder of them), by task and doc id."""
    from fastmcnemar.ingest.scores import _SUFFIXES, _read_table

    files = (
        sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in _SUFFIXES)
        if path.is_dir()
        else [path]
    )
    parts = []
    for file in files:
        raw = (
            _read_table(file)
            if file.suffix.lower() not in (".jsonl", ".ndjson")
            else (pl.read_ndjson(file))
        )
        if column not in raw.columns:
            raise InvalidArgumentError(
                f"cluster {column!r}: {file} has no such column (columns: {', '.join(raw.columns)})"
            )
        doc = "doc_id" if "doc_id" in raw.columns else "prompt_id"
        task = pl.col("task").cast(pl.Utf8) if "task" in raw.columns else pl.lit(file.stem)
        parts.append(
            raw.select(
                task.alias("task"),
                pl.col(doc).cast(pl.Utf8).alias("doc_id"),
                pl.col(column).cast(pl.Utf8).alias("cluster"),
            )
        )
    return pl.concat(parts).unique(["task", "doc_id"], keep="first", maintain_order=True)


def epoch_clusters(frame: pl.DataFrame) -> pl.DataFrame:
    """Per-epoch Inspect rows (doc id ``"<id>#<epoch>"``) clustered by sample id."""
    return frame.select(
        pl.col("task"),
        pl.col("doc_id"),
        pl.col("doc_id").str.replace(r"#[^#]*$", "").alias("cluster"),
    ).unique(["task", "doc_id"], keep="first", maintain_order=True)


def index_clusters(
    spec: ClusterSpec,
    reference: Any,
    run_fmt: str,
    tasks: list[str],
    doc_ids: pl.Series,
    key: str | None = None,
) -> ClusterIndex:
    """Cluster codes of the reference index's docs, per task."""
    table = (
        spec if isinstance(spec, pl.DataFrame) and spec.columns == list(LABEL_SCHEMA)
        else cluster_labels(spec, reference, run_fmt, tasks)
    )  # fmt: skip
    position = {doc: i for i, doc in enumerate(doc_ids.to_list())}
    index = ClusterIndex(key=key or _describe(spec))
    for task in tasks:
        rows = table.filter(pl.col("task").is_null() | (pl.col("task") == task))
        # A task-specific label wins over one for every task.
        rows = rows.sort(pl.col("task").is_null()).unique(
            "doc_id", keep="first", maintain_order=True
        )
        codes = np.full(len(position), -1, dtype=np.int64)
        labels: dict[str, int] = {}
        for doc, label in rows.select("doc_id", "cluster").iter_rows():
            where = position.get(doc)
            if where is None or label is None:
                continue
            codes[where] = labels.setdefault(label, len(labels))
        index.codes[task] = codes
        index.labels[task] = list(labels)
    return index


__all__ = ["ClusterIndex", "ClusterSpec", "cluster_labels", "epoch_clusters", "index_clusters"]
