"""Read lighteval details parquet files into the common score frame.

lighteval (``--save-details``) writes one parquet file per task:
``<out>/details/<model_name>/<date_id>/details_<task>|<fewshot>_<date_id>.parquet``
next to ``<out>/results/<model_name>/results_<date_id>.json``.

- Since v0.11 a row has struct columns ``doc`` (with ``id``, the sample's index
  in its split, as text), ``model_response`` and ``metric`` (a dict of
  per-sample scores such as ``acc`` or ``extractive_match``): rows pair on
  ``doc.id``.
- Before v0.11 rows were flat (``example``, ``full_prompt``, ``predictions``,
  ``gold``, ..., ``metrics``) with no id at all: such files pair by row position,
  which is only valid when both runs used the same task version, sample order
  and limit. The reader refuses them unless ``allow_positional=True``.

Rows: ``task`` = the task key from the file name (``"gsm8k|5"``), ``filter`` =
"none", ``metric`` = each key of the metric dict, ``doc_id`` = ``doc.id`` (or the
row number for positional pairing), hashes null, ``model`` = the model name
from the results file or the details path.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import polars as pl

from fastmcnemar._fork_guard import check_fork_safe
from fastmcnemar.exceptions import InputFormatError, InputWarning, PairingError
from fastmcnemar.ingest.lfs import check_not_lfs_pointer
from fastmcnemar.ingest.lm_eval_layout import RunResults
from fastmcnemar.ingest.safe_io import loads, read_bounded, require_regular
from fastmcnemar.ingest.schema import NO_FILTER, SCORE_SCHEMA

# details_<task>_<date_id>.parquet, date_id = datetime.isoformat() with ":" -> "-"
_DETAILS_NAME = re.compile(
    r"^details_(?P<task>.+)_(?P<date>\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d+)?)\.parquet$"
)
_NUMERIC = (pl.Float64, pl.Float32, pl.Int64, pl.Int32, pl.Int16, pl.Int8, pl.UInt64,
            pl.UInt32, pl.UInt16, pl.UInt8, pl.Boolean, pl.Null)  # fmt: skip


def read_lighteval(
    path: str | Path,
    /,
    *,
    allow_positional: bool = False,
    model: str | None = None,
) -> pl.DataFrame:
    """Read lighteval details parquet files (one file, or a directory of them).

    Parameters
    ----------
    path : str or Path
        A ``details_*.parquet`` file, or a directory searched recursively for
        them (e.g. lighteval's ``--output-dir`` or its ``details/`` folder).
    allow_positional : bool
        Accept pre-v0.11 files, which carry no sample id, numbering their rows
        0, 1, ... as ``doc_id``. Only valid when both runs evaluated the same
        samples in the same order.
    model : str, optional
        Model label to use instead of the one found in the results file or path.

    Returns
    -------
    polars.DataFrame
        The common score frame (see :data:`fastmcnemar.ingest.schema.SCORE_SCHEMA`).

    Raises
    ------
    InputFormatError
        No such file, not a lighteval details file, or duplicate sample ids.
    PairingError
        A pre-v0.11 file without sample ids and ``allow_positional`` is False.

    Examples
    --------
    >>> import tempfile, pathlib, polars as pl
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "details" / "org" / "m" / "2025-01-01T00-00-00.0"
    >>> d.mkdir(parents=True)
    >>> pl.DataFrame({"doc": [{"id": "0"}, {"id": "1"}], "metric": [{"acc": 1.0}, {"acc": 0.0}]}
    ...     ).write_parquet(d / "details_arc|0_2025-01-01T00-00-00.0.parquet")
    >>> read_lighteval(d).select("model", "task", "doc_id", "score").rows()
    [('org/m', 'arc|0', '0', 1.0), ('org/m', 'arc|0', '1', 0.0)]
    """
    check_fork_safe()  # Polars would hang in a child forked after use
    root = Path(path)
    if root.is_dir():
        files = sorted(p for p in root.rglob("*.parquet") if not p.is_dir())
        if not files:
            raise InputFormatError(f"{root}: no lighteval details files (*.parquet) here")
    elif root.is_file():
        files = [root]
    else:
        raise InputFormatError(f"{root}: no such file or directory")
    frames = [read_details_file(f, allow_positional=allow_positional, model=model) for f in files]
    frame = pl.concat(frames)
    key = ["model", "task", "filter", "metric", "doc_id"]
    dupes = frame.filter(pl.struct(key).is_duplicated())
    if dupes.height:
        first = dupes.row(0, named=True)
        sources = dupes.filter(pl.col("task") == first["task"])["source"].unique().sort()
        raise InputFormatError(
            f"model {first['model']!r}, task {first['task']!r}: sample {first['doc_id']!r} "
            f"is in more than one details file ({', '.join(sources.to_list())}); "
            "pass one run per model"
        )
    return frame


def read_details_file(
    path: Path, *, allow_positional: bool = False, model: str | None = None
) -> pl.DataFrame:
    """The score rows of one details parquet file."""
    require_regular(path)  # polars would block on a FIFO
    check_not_lfs_pointer(path)
    try:
        schema = pl.read_parquet_schema(path)
    except Exception as exc:  # polars raises several error types for non-parquet input
        raise InputFormatError(f"{path}: not a readable parquet file ({exc})") from None
    task = _task_name(path)
    label = model if model is not None else _model_name(path)
    if "metric" in schema and "doc" in schema:
        doc_type = schema["doc"]
        if not isinstance(doc_type, pl.Struct) or "id" not in {f.name for f in doc_type.fields}:
            raise InputFormatError(f"{path}: column 'doc' has no field 'id'")
        data = pl.read_parquet(path, columns=["doc", "metric"])
        ids = data["doc"].struct.field("id").cast(pl.Utf8)
        if ids.null_count():
            row = ids.is_null().arg_max()
            raise InputFormatError(f"{path}: row {row}: doc.id is empty")
        metrics = data["metric"]
    elif "metrics" in schema:
        if not allow_positional:
            raise PairingError(
                f"{path}: lighteval details from before v0.11 have no sample id; read them "
                "with read_lighteval(path, allow_positional=True) to pair rows by position "
                "(valid only if both runs scored the same samples in the same order)"
            )
        data = pl.read_parquet(path, columns=["metrics"])
        ids = pl.Series("doc_id", [str(i) for i in range(data.height)], dtype=pl.Utf8)
        metrics = data["metrics"]
    else:
        raise InputFormatError(
            f"{path}: not a lighteval details file (no 'doc' + 'metric' columns, v0.11+, "
            "nor a 'metrics' column, older versions)"
        )
    if ids.is_duplicated().any():
        dup = ids.filter(ids.is_duplicated())[0]
        raise InputFormatError(f"{path}: doc.id {dup!r} appears more than once")
    return _frame(path, metrics, ids, task=task, model=label)


def _frame(
    path: Path, metrics: pl.Series, ids: pl.Series, *, task: str, model: str
) -> pl.DataFrame:
    dtype = metrics.dtype
    if not isinstance(dtype, pl.Struct):
        raise InputFormatError(f"{path}: column {metrics.name!r} is not a dict of scores")
    parts: list[pl.DataFrame] = []
    for fld in dtype.fields:
        values = metrics.struct.field(fld.name)
        if not isinstance(values.dtype, _NUMERIC):
            warnings.warn(
                f"{path}: metric {fld.name!r} holds {values.dtype} values, not one number per "
                "sample; left out",
                InputWarning,
                stacklevel=3,
            )
            continue
        scores = values.cast(pl.Float64)
        scores = scores.fill_nan(None)
        if scores.is_infinite().any():
            row = scores.is_infinite().arg_max()
            raise InputFormatError(f"{path}: metric {fld.name!r}, row {row}: infinite score")
        nulls = scores.null_count()
        if nulls:
            warnings.warn(
                f"{path}: task {task!r}, metric {fld.name!r}: {nulls} of {len(scores)} samples "
                "unscored (null/NaN); kept with a null score",
                InputWarning,
                stacklevel=3,
            )
        parts.append(
            pl.DataFrame({"doc_id": ids, "score": scores}).with_columns(
                pl.lit(fld.name, dtype=pl.Utf8).alias("metric")
            )
        )
    if not parts:
        raise InputFormatError(f"{path}: no numeric per-sample metric in the details file")
    long = pl.concat(parts)
    return long.select(
        pl.lit(model, dtype=pl.Utf8).alias("model"),
        pl.lit(task, dtype=pl.Utf8).alias("task"),
        pl.lit(NO_FILTER, dtype=pl.Utf8).alias("filter"),
        pl.col("metric"),
        pl.col("doc_id"),
        pl.col("score"),
        pl.lit(None, dtype=pl.Utf8).alias("doc_hash"),
        pl.lit(None, dtype=pl.Utf8).alias("prompt_hash"),
        pl.lit(None, dtype=pl.Utf8).alias("target_hash"),
        pl.lit(str(path), dtype=pl.Utf8).alias("source"),
    ).cast(SCORE_SCHEMA)  # type: ignore[arg-type]


def _task_name(path: Path) -> str:
    match = _DETAILS_NAME.match(path.name)
    if match:
        return match["task"]
    stem = path.stem
    return stem.removeprefix("details_")


def _model_name(path: Path) -> str:
    """The model name lighteval used for the folder: details/<model_name>/<date_id>/file."""
    results = results_file_for(path)
    if results is not None:
        name = _results_model_name(results)
        if name:
            return name
    parts = path.parent.parts
    if "details" in parts:
        start = len(parts) - parts[::-1].index("details")
        inner = parts[start:-1] if _is_date_id(parts[-1]) else parts[start:]
        if inner:
            return "/".join(inner)
    return path.parent.name


def _is_date_id(name: str) -> bool:
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d+)?", name) is not None


def results_file_for(details: Path) -> Path | None:
    """``<out>/results/<model>/results_<date_id>.json`` of a details file, if present."""
    parts = details.parent.parts
    if "details" not in parts or not _is_date_id(parts[-1]):
        return None
    idx = len(parts) - 1 - parts[::-1].index("details")
    out = Path(*parts[:idx])
    model_parts = parts[idx + 1 : -1]
    candidate = out.joinpath("results", *model_parts, f"results_{parts[-1]}.json")
    return candidate if candidate.is_file() else None


def _results_model_name(results: Path) -> str | None:
    data = _load_results(results)
    general = data.get("config_general") if data else None
    name = general.get("model_name") if isinstance(general, dict) else None
    return name if isinstance(name, str) and name else None


def _load_results(results: Path) -> dict[str, Any] | None:
    try:
        data = loads(read_bounded(results), str(results))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def is_lighteval(path: Path) -> bool:
    """A lighteval details parquet file, or a directory holding ``details_*.parquet``."""
    if path.is_file():
        if path.suffix != ".parquet":
            return False
        if path.name.startswith("details_"):
            return True
        try:
            schema = pl.read_parquet_schema(path)
        except Exception:  # not parquet: let the other formats say so
            return False
        return isinstance(schema.get("doc"), pl.Struct) and isinstance(
            schema.get("metric"), pl.Struct
        )
    if path.is_dir():
        return next(path.rglob("details_*.parquet"), None) is not None
    return False


def load_lighteval_run(path: Path) -> tuple[pl.DataFrame, list[RunResults]]:
    """Score frame plus one :class:`RunResults` per details file (model, lighteval
    commit, task versions, n-shot, samples), for the report's metadata."""
    frame = read_lighteval(path)
    files = frame["source"].unique(maintain_order=True).to_list()
    runs = []
    for source in files:
        rows = frame.filter(pl.col("source") == source)
        runs.append(_run_results(Path(source), rows))
    return frame, runs


def _run_results(details: Path, rows: pl.DataFrame) -> RunResults:
    task = str(rows["task"][0])
    model = str(rows["model"][0])
    data: dict[str, Any] = {"model_name": model, "harness_version": "lighteval"}
    fewshot = task.rsplit("|", 1)[-1]
    if fewshot.isdigit():
        data["n-shot"] = {task: int(fewshot)}
    data["n-samples"] = {task: {"effective": rows["doc_id"].n_unique()}}
    results = results_file_for(details)
    loaded = _load_results(results) if results is not None else None
    if loaded:
        general = loaded.get("config_general")
        if isinstance(general, dict):
            sha = general.get("lighteval_sha")
            if sha:
                data["harness_version"] = f"lighteval {str(sha)[:12]}"
            data["config"] = {
                "model": general.get("model_name"),
                "limit": general.get("max_samples"),
            }
        versions = loaded.get("versions")
        if isinstance(versions, dict) and task in versions:
            data["versions"] = {task: versions[task]}
    return RunResults(results or details, None, data)


__all__ = [
    "is_lighteval",
    "load_lighteval_run",
    "read_details_file",
    "read_lighteval",
    "results_file_for",
]
