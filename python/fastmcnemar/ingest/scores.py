"""Generic per-sample score files: CSV, Parquet, JSONL, folders of per-task CSVs.

A score file has a ``doc_id`` (or ``prompt_id``) column and a ``score`` column,
optionally ``task``, ``filter``, ``metric``, ``model`` and the three hash
columns. A directory of CSVs holds one task per file (the file stem is the
task). The reference scripts' ``model_paths.json`` maps each model to its task
files: ``{"model": {"task": "path/to/task.csv", ...}, ...}`` (paths relative to
the JSON file), or ``{"model": "dir/"}``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import polars as pl

from fastmcnemar.exceptions import InputFormatError
from fastmcnemar.ingest.jsonl import read_keys
from fastmcnemar.ingest.lfs import check_not_lfs_pointer
from fastmcnemar.ingest.schema import NO_FILTER, SCORE_SCHEMA

_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_OPTIONAL_TEXT = ("task", "filter", "metric", "model", "doc_hash", "prompt_hash", "target_hash")


def _read_table(path: Path) -> pl.DataFrame:
    check_not_lfs_pointer(path)
    kind = _SUFFIXES.get(path.suffix.lower())
    try:
        if kind == "csv":
            sep = "\t" if path.suffix.lower() == ".tsv" else ","
            return pl.read_csv(path, separator=sep, infer_schema_length=10000)
        if kind == "parquet":
            return pl.read_parquet(path)
        if kind == "jsonl":
            return _read_jsonl_scores(path)
    except InputFormatError:
        raise
    except (pl.exceptions.PolarsError, OSError, ValueError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InputFormatError(f"{path}: cannot read score file: {first}") from None
    raise InputFormatError(
        f"{path}: unknown score file type {path.suffix!r} (expected .csv, .tsv, .parquet, .jsonl)"
    )


def _read_jsonl_scores(path: Path) -> pl.DataFrame:
    from fastmcnemar.ingest.jsonl import first_record

    first = first_record(path)
    schema: dict[str, pl.DataType] = {}
    for key in ("doc_id", "prompt_id"):
        if key in first:
            schema[key] = pl.Utf8()
    schema["score"] = pl.Float64()
    for key in _OPTIONAL_TEXT:
        if key in first:
            schema[key] = pl.Utf8()
    return read_keys(path, schema)


def _to_score_frame(
    raw: pl.DataFrame, path: Path, *, task: str | None, model: str | None
) -> pl.DataFrame:
    columns = set(raw.columns)
    if "doc_id" in columns:
        id_col = "doc_id"
    elif "prompt_id" in columns:
        id_col = "prompt_id"
    else:
        raise InputFormatError(
            f"{path}: no 'doc_id' or 'prompt_id' column (columns: {', '.join(raw.columns)})"
        )
    if "score" not in columns:
        raise InputFormatError(f"{path}: no 'score' column (columns: {', '.join(raw.columns)})")
    if raw.height == 0:
        raise InputFormatError(f"{path}: no samples (the file has no rows)")
    score = raw.get_column("score")
    if score.dtype == pl.Boolean:
        score = score.cast(pl.Float64)
    elif not score.dtype.is_numeric():
        bad = raw.filter(
            pl.col("score").cast(pl.Float64, strict=False).is_null() & pl.col("score").is_not_null()
        )
        example = bad.row(0, named=True) if bad.height else {}
        raise InputFormatError(
            f"{path}: 'score' must be numeric; e.g. {id_col} {str(example.get(id_col))!r} has "
            f"{example.get('score')!r}"
        )
    if "task" not in columns and task is None:
        raise InputFormatError(
            f"{path}: no 'task' column; pass task= or name the file after the task"
        )

    def text(name: str, default: str | None) -> pl.Expr:
        if name in columns:
            return pl.col(name).cast(pl.Utf8)
        return pl.lit(default, dtype=pl.Utf8)

    frame = raw.with_columns(score.cast(pl.Float64).alias("score")).select(
        text("model", model or path.stem).alias("model"),
        text("task", task).alias("task"),
        text("filter", NO_FILTER).alias("filter"),
        text("metric", "score").alias("metric"),
        pl.col(id_col).cast(pl.Utf8).alias("doc_id"),
        pl.col("score"),
        text("doc_hash", None).alias("doc_hash"),
        text("prompt_hash", None).alias("prompt_hash"),
        text("target_hash", None).alias("target_hash"),
        pl.lit(str(path)).alias("source"),
    )
    for name in ("task", "doc_id"):
        nulls = frame.get_column(name).null_count()
        if nulls:
            raise InputFormatError(f"{path}: {nulls} row(s) have no {name!r}")
    return frame.cast(SCORE_SCHEMA)  # type: ignore[arg-type]


def _model_paths(path: Path, model: str | None) -> pl.DataFrame:
    try:
        mapping: Any = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputFormatError(f"{path}: not valid JSON ({err})") from None
    if not isinstance(mapping, dict) or not mapping:
        raise InputFormatError(f"{path}: expected an object mapping model -> task files")
    if model is not None:
        if model not in mapping:
            raise InputFormatError(f"{path}: no model {model!r} (models: {', '.join(mapping)})")
        mapping = {model: mapping[model]}
    frames: list[pl.DataFrame] = []
    for name, entry in mapping.items():
        if isinstance(entry, str):
            frames.append(_read_dir(path.parent / entry, model=name))
        elif isinstance(entry, dict):
            for task, file in entry.items():
                if not isinstance(file, str):
                    raise InputFormatError(f"{path}: model {name!r} task {task!r}: expected a path")
                target = path.parent / file
                frames.append(_to_score_frame(_read_table(target), target, task=task, model=name))
        else:
            raise InputFormatError(
                f"{path}: model {name!r}: expected a path or a task -> path object"
            )
    return pl.concat(frames)


def _read_dir(path: Path, *, model: str | None) -> pl.DataFrame:
    if not path.is_dir():
        raise InputFormatError(f"{path}: no such directory")
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in _SUFFIXES)
    if not files:
        raise InputFormatError(
            f"{path}: no score files (.csv, .tsv, .parquet, .jsonl) in this directory"
        )
    frames = []
    for file in files:
        raw = _read_table(file)
        frames.append(
            _to_score_frame(
                raw,
                file,
                task=None if "task" in raw.columns else file.stem,
                model=model or path.name,
            )
        )
    return pl.concat(frames)


def read_scores(
    path: str | os.PathLike[str],
    /,
    *,
    task: str | None = None,
    model: str | None = None,
) -> pl.DataFrame:
    """Read generic per-sample scores into a score frame.

    Parameters
    ----------
    path : str or path-like
        A CSV / TSV / Parquet / JSONL file with columns ``doc_id`` (or
        ``prompt_id``), ``score`` and optionally ``task``, ``filter``,
        ``metric``, ``model``, ``doc_hash``, ``prompt_hash``, ``target_hash``;
        a directory of such files (one task per file, named after the task
        unless it has a ``task`` column); or a ``model_paths.json`` mapping.
    task : str, optional
        The task of a single file that has no ``task`` column.
    model : str, optional
        Model label (default: the ``model`` column, else the file or folder
        name); with ``model_paths.json``, the model to read.

    Returns
    -------
    polars.DataFrame
        A score frame (:data:`fastmcnemar.ingest.schema.SCORE_SCHEMA`), metric
        ``"score"`` and filter ``"none"`` unless the file says otherwise.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from fastmcnemar import read_scores
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "arith.csv").write_text("prompt_id,score\\n0,1\\n1,0\\n")
    >>> read_scores(folder, model="m")[["task", "doc_id", "score"]].rows()
    [('arith', '0', 1.0), ('arith', '1', 0.0)]
    """
    target = Path(path)
    if not target.exists():
        raise InputFormatError(f"{target}: no such file or directory")
    if target.is_dir():
        return _read_dir(target, model=model)
    if target.suffix.lower() == ".json":
        return _model_paths(target, model)
    raw = _read_table(target)
    return _to_score_frame(raw, target, task=task, model=model)


__all__ = ["read_scores"]
