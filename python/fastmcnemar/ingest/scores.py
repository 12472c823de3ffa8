"""Generic per-sample score files: CSV, Parquet, JSONL, folders of per-task CSVs.

A score file has a ``doc_id`` (or ``prompt_id``) column and a ``score`` column,
optionally ``task``, ``filter``, ``metric``, ``model`` and the three hash
columns. A directory of CSVs holds one task per file (the file stem is the
task). The reference scripts' ``model_paths.json`` maps each model to its task
files: ``{"model": {"task": "path/to/task.csv", ...}, ...}`` (paths relative to
the JSON file), or ``{"model": "dir/"}``.
"""

from __future__ import annotations

import io
import json
import math
import os
from pathlib import Path
from typing import Any

import polars as pl

from fastmcnemar._fork_guard import check_fork_safe
from fastmcnemar.exceptions import InputFormatError, InvalidArgumentError
from fastmcnemar.ingest.jsonl import read_keys
from fastmcnemar.ingest.lfs import check_not_lfs_pointer
from fastmcnemar.ingest.safe_io import loads, read_bounded, require_regular
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
    require_regular(path)  # polars would block on a FIFO
    try:
        if kind == "csv":
            sep = "\t" if path.suffix.lower() == ".tsv" else ","
            # Every column as text: a guessed dtype would fail at row 15,000 without
            # saying which row; the score column is converted (and checked) below.
            return pl.read_csv(path, separator=sep, infer_schema=False)
        if kind == "parquet":
            return pl.read_parquet(path)
        if kind == "jsonl":
            return _read_jsonl_scores(path)
    except InputFormatError:
        raise
    except (pl.exceptions.PolarsError, OSError, ValueError) as err:
        if kind == "csv":
            _name_ragged_row(path, "\t" if path.suffix.lower() == ".tsv" else ",")
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InputFormatError(f"{path}: cannot read score file: {first}") from None
    raise InputFormatError(
        f"{path}: unknown score file type {path.suffix!r} (expected .csv, .tsv, .parquet, .jsonl)"
    )


def _name_ragged_row(path: Path, sep: str) -> None:
    """Raise naming the first row whose number of fields differs from the header's."""
    import csv

    from fastmcnemar.ingest.safe_io import open_regular

    with open_regular(path) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter=sep)
        try:
            header = next(reader, None)
            if header is None:
                return
            for row in reader:
                if row and len(row) != len(header):
                    raise InputFormatError(
                        f"{path}: line {reader.line_num}: {len(row)} fields, the header has "
                        f"{len(header)} ({', '.join(header)})"
                    )
        except (csv.Error, UnicodeDecodeError) as err:
            raise InputFormatError(f"{path}: line {reader.line_num}: {err}") from None


def _where(path: Path, row: int, id_col: str, doc_id: Any) -> str:
    """``path: row 15000 (line 15001), doc_id 'x'`` for a CSV; rows count from 1."""
    line = f" (line {row + 1})" if path.suffix.lower() in (".csv", ".tsv") else ""
    return f"{path}: row {row}{line}, {id_col} {str(doc_id)!r}"


def _check_scores(
    raw: pl.DataFrame, score: pl.Series, path: Path, id_col: str, scale: float | None
) -> pl.Series:
    """Scores as Float64, divided by ``scale``; missing, NaN and out-of-[0, 1]
    values are errors naming the row and doc id."""
    values = score.cast(pl.Float64)
    if scale is not None:
        values = values / scale
    ids = raw.get_column(id_col)
    missing = values.is_null() | values.is_nan()
    if missing.any():
        row = int(missing.arg_true()[0])
        what = "missing" if values[row] is None else "NaN"
        raise InputFormatError(
            f"{_where(path, row + 1, id_col, ids[row])}: 'score' is {what}; every sample "
            "needs a score (drop the row, or score it 0)"
        )
    outside = (values < 0) | (values > 1)
    if outside.any():
        row = int(outside.arg_true()[0])
        shown = score.cast(pl.Float64)[row]
        hint = (
            "; divide by the scale with --scale 100 (or read_scores(..., scale=100))"
            if scale is None and shown is not None and 1 < shown <= 100
            else ""
        )
        scaled = f" after --scale {scale:g}" if scale is not None else ""
        raise InputFormatError(
            f"{_where(path, row + 1, id_col, ids[row])}: 'score' is {shown:g}{scaled}, "
            f"outside [0, 1]{hint}"
        )
    return values  # type: ignore[no-any-return]


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
    raw: pl.DataFrame,
    path: Path,
    *,
    task: str | None,
    model: str | None,
    scale: float | None = None,
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
        if score.dtype == pl.Utf8:
            lowered = score.str.strip_chars().str.to_lowercase()
            score = lowered.replace({"true": "1", "false": "0"})
        as_number = score.cast(pl.Float64, strict=False)
        bad = (as_number.is_null() & score.is_not_null()).arg_true()
        if len(bad):
            row = int(bad[0])
            raise InputFormatError(
                f"{_where(path, row + 1, id_col, raw.get_column(id_col)[row])}: 'score' is "
                f"{score[row]!r}, not a number"
            )
        score = as_number
    score = _check_scores(raw, score, path, id_col, scale)
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


def _model_paths(path: Path, model: str | None, scale: float | None) -> pl.DataFrame:
    try:
        mapping: Any = loads(read_bounded(path), str(path))
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
            frames.append(_read_dir(path.parent / entry, model=name, scale=scale))
        elif isinstance(entry, dict):
            for task, file in entry.items():
                if not isinstance(file, str):
                    raise InputFormatError(f"{path}: model {name!r} task {task!r}: expected a path")
                target = path.parent / file
                frames.append(
                    _to_score_frame(_read_table(target), target, task=task, model=name, scale=scale)
                )
        else:
            raise InputFormatError(
                f"{path}: model {name!r}: expected a path or a task -> path object"
            )
    return pl.concat(frames)


def _read_dir(path: Path, *, model: str | None, scale: float | None) -> pl.DataFrame:
    if not path.is_dir():
        raise InputFormatError(f"{path}: no such directory")
    files = sorted(p for p in path.iterdir() if not p.is_dir() and p.suffix.lower() in _SUFFIXES)
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
                scale=scale,
            )
        )
    return pl.concat(frames)


def read_scores(
    path: str | os.PathLike[str],
    /,
    *,
    task: str | None = None,
    model: str | None = None,
    scale: float | None = None,
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
    scale : float, optional
        The scores are on a 0..``scale`` scale (e.g. 100 for percentages): they
        are divided by it. Scores must end up in [0, 1], so margins and
        reports mean accuracy points; a score outside is an error naming the
        row and doc id.

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
    check_fork_safe()  # Polars would hang in a child forked after use
    target = Path(path)
    if scale is not None and not (
        isinstance(scale, int | float) and math.isfinite(scale) and scale > 0
    ):
        raise InvalidArgumentError(f"scale must be a finite number above 0, got {scale!r}")
    if not target.exists():
        raise InputFormatError(f"{target}: no such file or directory")
    if target.is_dir():
        return _read_dir(target, model=model, scale=scale)
    if target.suffix.lower() == ".json":
        return _model_paths(target, model, scale)
    raw = _read_table(target)
    return _to_score_frame(raw, target, task=task, model=model, scale=scale)


__all__ = ["read_scores"]
