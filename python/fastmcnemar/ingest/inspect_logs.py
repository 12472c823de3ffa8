"""Read Inspect (inspect_ai) eval logs into the common score frame.

Inspect writes one log per task run, either as a ``.eval`` file (a zip holding
``header.json``, ``samples/<id>_epoch_<n>.json`` and ``reductions.json``) or as
one ``.json`` document with the same content. Both are read with the standard
library only, so fastmcnemar does not need ``inspect_ai`` at run time.

Rows: one per (scorer metric, sample) with ``task`` = the log's task name,
``filter`` = "none", ``metric`` = the scorer name (``"<scorer>/<key>"`` for a
scorer that logs a dict of values), ``model`` = the log's model, hashes null.

Pairing (``pairing=``):

- ``"reduced"`` (default): one row per sample id, ``doc_id`` = the id as text,
  ``score`` = the per-id score after Inspect's epoch reducer (the log's
  ``reductions``; the mean over epochs when a log has none). With one epoch this
  is simply the sample's score. Epochs of one sample are not independent, so
  this is the pairing the tests' type-I error guarantees hold for.
- ``"epoch"``: one row per (id, epoch), ``doc_id`` = ``"<id>#<epoch>"``
  (e.g. ``"17#2"``), for pairing run k of the reference with run k of the
  candidate. Use it with a clustered test if epochs > 1.

Unscored samples (value None/NaN, or a sample that errored before scoring) are
kept with a null score and announced with an :class:`InputWarning`, never
dropped silently (pairing then refuses them by name; drop them from the frame
and compare with ``allow_missing=True`` to test the rest). A scorer whose
values are lists has no per-sample score: it is left out with an
:class:`InputWarning`.
"""

from __future__ import annotations

import json
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import polars as pl

from fastmcnemar import _core
from fastmcnemar._fork_guard import check_fork_safe
from fastmcnemar.exceptions import (
    InputFormatError,
    InputWarning,
    InvalidArgumentError,
    NotTestableError,
)
from fastmcnemar.ingest.inspect_values import expand_score
from fastmcnemar.ingest.lfs import check_not_lfs_pointer
from fastmcnemar.ingest.lm_eval_layout import RunResults
from fastmcnemar.ingest.safe_io import loads, open_regular, read_bounded, read_member
from fastmcnemar.ingest.schema import NO_FILTER, SCORE_SCHEMA
from fastmcnemar.ingest.zip_zstd import ZIP_ZSTANDARD, read_zstd_member, zstd_supported_by_zipfile

InspectPairing = Literal["reduced", "epoch"]
_PAIRINGS = ("reduced", "epoch")
_LOG_SUFFIXES = (".eval", ".json")
# The fields of a sample the reader uses (see _per_epoch_scores).
_SAMPLE_FIELDS = ("id", "epoch", "scores")


@dataclass(frozen=True)
class InspectRun:
    """One log read: its score rows and what the report shows about the run."""

    frame: pl.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)


def read_inspect(
    path: str | Path,
    /,
    *,
    pairing: InspectPairing = "reduced",
    model: str | None = None,
    scorers: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Read Inspect eval logs (``.eval`` or ``.json``, or a directory of them).

    Parameters
    ----------
    path : str or Path
        A log file, or a directory searched recursively for ``*.eval`` and
        ``*.json`` logs (other JSON files there are ignored).
    pairing : {"reduced", "epoch"}
        ``"reduced"``: one score per sample id (``doc_id`` = id), after the
        log's epoch reducer. ``"epoch"``: one per (id, epoch), ``doc_id`` =
        ``"<id>#<epoch>"``.
    model : str, optional
        Label to use instead of the log's model name (useful when both runs
        used the same model string, e.g. two serving stacks of one model).
    scorers : sequence of str, optional
        Only these scorers (default: all).

    Returns
    -------
    polars.DataFrame
        The common score frame (see :data:`fastmcnemar.ingest.schema.SCORE_SCHEMA`).

    Raises
    ------
    InputFormatError
        The path does not exist, is not an Inspect log, a value is not a score,
        or two logs hold the same (model, task, scorer, sample).

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> log = {"eval": {"task": "demo", "model": "m"}, "samples": [
    ...     {"id": 1, "epoch": 1, "scores": {"match": {"value": "C"}}},
    ...     {"id": 2, "epoch": 1, "scores": {"match": {"value": "I"}}}]}
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "demo.json"
    >>> _ = p.write_text(json.dumps(log))
    >>> read_inspect(p).select("task", "metric", "doc_id", "score").rows()
    [('demo', 'match', '1', 1.0), ('demo', 'match', '2', 0.0)]
    """
    return read_inspect_runs(path, pairing=pairing, model=model, scorers=scorers)[0]


def read_inspect_runs(
    path: str | Path,
    /,
    *,
    pairing: InspectPairing = "reduced",
    model: str | None = None,
    scorers: Sequence[str] | None = None,
) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """Like :func:`read_inspect`, plus one metadata dict per log read."""
    check_fork_safe()  # Polars would hang in a child forked after use
    _check_pairing(pairing)
    root = Path(path)
    if root.is_dir():
        # Not only is_file(): a FIFO or socket named like a log is an error, not skipped.
        files = sorted(p for p in root.rglob("*") if p.suffix in _LOG_SUFFIXES and not p.is_dir())
        logs = [(f, log) for f in files if (log := _load_log(f, strict=False)) is not None]
        if not logs:
            raise InputFormatError(f"{root}: no Inspect logs (*.eval, *.json) in this directory")
    elif root.is_file():
        loaded = _load_log(root, strict=True)
        assert loaded is not None  # strict loading raises instead
        logs = [(root, loaded)]
    else:
        raise InputFormatError(f"{root}: no such file or directory")
    runs = [
        run_from_log_dict(log, source=str(f), pairing=pairing, model=model, scorers=scorers)
        for f, log in logs
    ]
    return combine_frames(run.frame for run in runs), [run.metadata for run in runs]


def combine_frames(frames: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """Stack the frames of several logs; a sample read twice is an error."""
    parts = list(frames)
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=SCORE_SCHEMA)
    key = ["model", "task", "filter", "metric", "doc_id"]
    dupes = frame.filter(pl.struct(key).is_duplicated())
    if dupes.height:
        first = dupes.row(0, named=True)
        sources = dupes.filter(
            (pl.col("task") == first["task"]) & (pl.col("doc_id") == first["doc_id"])
        )["source"].unique(maintain_order=True)
        raise InputFormatError(
            f"model {first['model']!r}, task {first['task']!r}, scorer {first['metric']!r}: "
            f"sample {first['doc_id']!r} appears in more than one log "
            f"({', '.join(sources.to_list())}); pass one log per task and model"
        )
    return frame


def run_from_log_dict(
    log: Mapping[str, Any],
    *,
    source: str,
    pairing: InspectPairing = "reduced",
    model: str | None = None,
    scorers: Sequence[str] | None = None,
) -> InspectRun:
    """Score rows and metadata of one log given as a dict (the JSON log layout).

    This is the single code path behind files and in-memory ``EvalLog``
    objects, so both give the same frame.
    """
    _check_pairing(pairing)
    spec = _require_mapping(log.get("eval"), f"{source}: field 'eval'")
    task = _require_text(spec.get("task"), f"{source}: field 'eval.task'")
    model_name = (
        model
        if model is not None
        else _require_text(spec.get("model"), f"{source}: field 'eval.model'")
    )
    samples = log.get("samples")
    if not samples:
        raise InputFormatError(
            f"{source}: the log holds no samples (was the eval run with log_samples=False, "
            "or is it still running?)"
        )
    if not isinstance(samples, list):
        raise InputFormatError(f"{source}: field 'samples' is not a list")
    per_epoch, not_testable = _per_epoch_scores(samples, source=source)
    if not_testable:
        warnings.warn(
            f"{source}: scorers without one number per sample left out: "
            + "; ".join(f"{k} ({v})" for k, v in sorted(not_testable.items())),
            InputWarning,
            stacklevel=3,
        )
    available = sorted({scorer for scores in per_epoch.values() for scorer in scores})
    wanted = _select_scorers(available, scorers, source=source)
    if pairing == "epoch":
        table = {
            f"{sid}#{epoch}": {m: v for s in wanted for m, v in scores.get(s, {}).items()}
            for (sid, epoch), scores in per_epoch.items()
        }
    else:
        table = _reduced_scores(per_epoch, log.get("reductions"), wanted, source=source)
    metrics = sorted({m for scores in table.values() for m in scores} | _metric_names(wanted))
    frame = _frame(table, metrics, model=model_name, task=task, source=source)
    _warn_unscored(frame, source=source)
    return InspectRun(frame, _metadata(log, spec, frame, pairing=pairing, source=source))


# ----------------------------------------------------------------------------- loading


def _load_log(path: Path, *, strict: bool) -> dict[str, Any] | None:
    """The log as one dict in the JSON layout; None for a non-log JSON when not strict."""
    check_not_lfs_pointer(path)
    if path.suffix == ".eval":
        return _load_eval_zip(path)
    if path.suffix != ".json":
        raise InputFormatError(f"{path}: not an Inspect log (expected a .eval or .json file)")
    try:
        data = _load_json_log(path)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        if not strict:
            return None
        raise InputFormatError(f"{path}: not valid JSON ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("eval"), dict):
        return data
    if strict:
        raise InputFormatError(f"{path}: not an Inspect log (no 'eval' object at the top level)")
    return None


def _load_json_log(path: Path) -> Any:
    """A ``.json`` log parsed, each sample cut down to what is read of it.

    The samples are nearly all of such a file (messages, model output,
    events). A Rust walker finds the samples array and, in each sample, the
    raw ``id``, ``epoch`` and ``scores``; only those and the rest of the
    document are parsed. Whatever the walker does not expect (not an object,
    broken JSON, a byte-order mark) is parsed whole by ``json`` instead, whose
    errors then name the problem.
    """
    data = read_bounded(path)
    where = str(path)
    try:
        array, spans = _core.json_array_fields(data, "samples", list(_SAMPLE_FIELDS))
    except InputFormatError:
        return loads(data, where)
    if array is None:
        return loads(data, where)
    start, end = array
    log = loads(data[:start] + b"null" + data[end:], where)
    samples: list[dict[str, Any]] = []
    for index, row in enumerate(spans.reshape(-1, len(_SAMPLE_FIELDS), 2).tolist()):
        samples.append(
            {
                name: loads(data[lo:hi], f"{where}: samples[{index}].{name}")
                for name, (lo, hi) in zip(_SAMPLE_FIELDS, row, strict=True)
                if lo >= 0
            }
        )
    if isinstance(log, dict):
        log["samples"] = samples
    return log


def _open_eval_zip(path: Path) -> tuple[IO[bytes], zipfile.ZipFile]:
    fh = open_regular(path)
    try:
        return fh, zipfile.ZipFile(fh)
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        fh.seek(0)
        head = fh.read(4)
        fh.close()
        if head == b"PK\x03\x04":
            raise InputFormatError(
                f"{path}: truncated .eval log (the zip archive has no central directory; "
                "was the run interrupted or the copy cut short?)"
            ) from None
        message = f"{path}: not a readable .eval log: not a zip archive ({exc})"
        raise InputFormatError(message) from None


def _load_eval_zip(path: Path) -> dict[str, Any]:
    fh, archive = _open_eval_zip(path)
    with fh, archive:
        names = set(archive.namelist())
        if "header.json" in names:
            log = _zip_json(archive, "header.json", path)
        elif "_journal/start.json" in names:  # a run that has not finished writing
            log = _zip_json(archive, "_journal/start.json", path)
            log.setdefault("status", "started")
        else:
            raise InputFormatError(
                f"{path}: not an Inspect .eval log (no header.json or _journal/start.json inside)"
            )
        if not isinstance(log, dict):
            raise InputFormatError(f"{path}: header.json is not a JSON object")
        members = sorted(n for n in names if n.startswith("samples/") and n.endswith(".json"))
        summaries = (
            _zip_json(archive, "summaries.json", path) if "summaries.json" in names else None
        )
        if _summaries_cover(summaries, members):
            # Inspect's per-sample summaries keep every score value (only long
            # texts are thinned): reading them skips the messages and events
            # that make up most of each sample file.
            log["samples"] = summaries
        else:
            log["samples"] = [_zip_json(archive, name, path) for name in members]
        if "reductions.json" in names:
            log["reductions"] = _zip_json(archive, "reductions.json", path)
    return log


def _summaries_cover(summaries: Any, members: list[str]) -> bool:
    """True when summaries.json lists exactly the samples stored in the archive."""
    if not isinstance(summaries, list) or len(summaries) != len(members):
        return False
    stored = set()
    for name in members:
        sid, sep, epoch = name.removeprefix("samples/").removesuffix(".json").rpartition("_epoch_")
        if not sep:
            return False
        stored.add((sid, epoch))
    listed = {
        (str(item.get("id")), str(item.get("epoch")))
        for item in summaries
        if isinstance(item, dict) and isinstance(item.get("scores"), dict | None)
    }
    return listed == stored


def _zip_json(archive: zipfile.ZipFile, name: str, path: Path) -> Any:
    try:
        info = archive.getinfo(name)
        if info.compress_type == ZIP_ZSTANDARD and not zstd_supported_by_zipfile():
            raw = read_zstd_member(archive, info, path)
        else:
            raw = read_member(archive, info, path)
    except InputFormatError:
        raise
    except EOFError:
        message = f"{path}: member {name}: truncated (the archive ends early)"
        raise InputFormatError(message) from None
    except Exception as exc:  # zlib/zstd/CRC errors surface as several exception types
        raise InputFormatError(f"{path}: member {name}: cannot be read ({exc})") from None
    try:
        return loads(raw, f"{path}: member {name}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFormatError(f"{path}: member {name}: not valid JSON ({exc})") from None


# ----------------------------------------------------------------------------- scores

_Scores = dict[str, dict[str, float | None]]  # scorer -> metric -> value


def _per_epoch_scores(
    samples: list[Any], *, source: str
) -> tuple[dict[tuple[str, int], _Scores], dict[str, str]]:
    """(id, epoch) -> scores, and the scorers left out (name -> why)."""
    out: dict[tuple[str, int], _Scores] = {}
    left_out: dict[str, str] = {}
    for index, sample in enumerate(samples):
        if not isinstance(sample, dict):
            raise InputFormatError(f"{source}: samples[{index}] is not an object")
        sid = sample.get("id")
        if sid is None or isinstance(sid, bool) or not isinstance(sid, int | str):
            raise InputFormatError(f"{source}: samples[{index}]: field 'id' missing or not int/str")
        epoch = sample.get("epoch", 1)
        if isinstance(epoch, bool) or not isinstance(epoch, int):
            raise InputFormatError(f"{source}: sample {sid!r}: field 'epoch' is not an integer")
        key = (str(sid), epoch)
        if key in out:
            raise InputFormatError(f"{source}: sample {sid!r} epoch {epoch} appears twice")
        raw = sample.get("scores") or {}
        if not isinstance(raw, dict):
            raise InputFormatError(f"{source}: sample {sid!r}: field 'scores' is not an object")
        scores: _Scores = {}
        for scorer, score in raw.items():
            where = f"{source}: sample {sid!r} epoch {epoch}, scorer {scorer!r}"
            if not isinstance(score, dict):
                raise InputFormatError(f"{where}: score is not an object with a 'value'")
            if scorer in left_out:
                continue
            try:
                scores[scorer] = expand_score(scorer, score.get("value"), where=where)
            except NotTestableError as err:
                left_out[scorer] = str(err).rsplit(": ", 1)[-1]
        out[key] = scores
    for scores in out.values():
        for scorer in left_out:
            scores.pop(scorer, None)
    return out, left_out


def _select_scorers(
    available: list[str], scorers: Sequence[str] | None, *, source: str
) -> list[str]:
    if scorers is None:
        return available
    if isinstance(scorers, str):
        raise InvalidArgumentError("scorers: expected a list of scorer names, got one string")
    missing = [s for s in scorers if s not in available]
    if missing:
        raise InvalidArgumentError(
            f"scorers: {', '.join(map(repr, missing))} not in {source} "
            f"(scorers there: {', '.join(available) or 'none'})"
        )
    return list(scorers)


def _metric_names(scorers: list[str]) -> set[str]:
    return set(scorers)


def _reduced_scores(
    per_epoch: dict[tuple[str, int], _Scores],
    reductions: Any,
    wanted: list[str],
    *,
    source: str,
) -> dict[str, dict[str, float | None]]:
    """doc_id -> metric -> per-id score after the epoch reducer."""
    table: dict[str, dict[str, float | None]] = {sid: {} for sid, _ in per_epoch}
    logged = _logged_reductions(reductions, set(wanted), source=source)
    for scorer in wanted:
        if scorer in logged:
            for sid, metrics in logged[scorer].items():
                table.setdefault(sid, {}).update(metrics)
            continue
        # No reduction in the log: Inspect's default reducer is the mean.
        sums: dict[str, dict[str, list[float]]] = {}
        for (sid, _), scores in per_epoch.items():
            for metric, value in scores.get(scorer, {}).items():
                bucket = sums.setdefault(sid, {}).setdefault(metric, [])
                if value is not None:
                    bucket.append(value)
        for sid, per_metric in sums.items():
            for metric, values in per_metric.items():
                table[sid][metric] = sum(values) / len(values) if values else None
    return table


def _logged_reductions(reductions: Any, wanted: set[str], *, source: str) -> dict[str, _Scores]:
    """scorer -> sample id -> metric -> value, from the first reducer of each scorer."""
    if reductions is None:
        return {}
    if not isinstance(reductions, list):
        raise InputFormatError(f"{source}: field 'reductions' is not a list")
    out: dict[str, _Scores] = {}
    for entry in reductions:
        if not isinstance(entry, dict) or not isinstance(entry.get("scorer"), str):
            raise InputFormatError(f"{source}: a 'reductions' entry has no scorer name")
        scorer = entry["scorer"]
        if scorer in out or scorer not in wanted:  # several reducers: the first is reported
            continue
        per_id: _Scores = {}
        for item in entry.get("samples") or []:
            sid = item.get("sample_id") if isinstance(item, dict) else None
            if sid is None:
                raise InputFormatError(f"{source}: reductions of {scorer!r}: sample_id missing")
            where = f"{source}: reduced score of sample {sid!r}, scorer {scorer!r}"
            per_id[str(sid)] = expand_score(scorer, item.get("value"), where=where)
        out[scorer] = per_id
    return out


def _frame(
    table: Mapping[str, Mapping[str, float | None]],
    metrics: list[str],
    *,
    model: str,
    task: str,
    source: str,
) -> pl.DataFrame:
    # Dict-valued scorers expand to "<scorer>/<key>"; the bare scorer name is then
    # not a metric of its own.
    present = {m for scores in table.values() for m in scores}
    metrics = [
        m for m in metrics if m in present or not any(p.startswith(m + "/") for p in present)
    ]
    doc_ids = sorted(table, key=_natural_key)
    rows_metric: list[str] = []
    rows_doc: list[str] = []
    rows_score: list[float | None] = []
    for metric in metrics:
        for doc_id in doc_ids:
            rows_metric.append(metric)
            rows_doc.append(doc_id)
            rows_score.append(table[doc_id].get(metric))
    n = len(rows_doc)
    return pl.DataFrame(
        {
            "model": [model] * n,
            "task": [task] * n,
            "filter": [NO_FILTER] * n,
            "metric": rows_metric,
            "doc_id": rows_doc,
            "score": rows_score,
            "doc_hash": [None] * n,
            "prompt_hash": [None] * n,
            "target_hash": [None] * n,
            "source": [source] * n,
        },
        schema=SCORE_SCHEMA,
    )


def _natural_key(doc_id: str) -> tuple[Any, ...]:
    """Sort "2" before "10" and "7#2" before "7#10"; other ids as text."""
    parts: list[tuple[int, int | str]] = []
    for part in doc_id.split("#"):
        parts.append((0, int(part)) if part.isdigit() else (1, part))
    return tuple(parts)


def _warn_unscored(frame: pl.DataFrame, *, source: str) -> None:
    missing = frame.filter(pl.col("score").is_null())
    for (task, metric), group in _groups(missing):
        ids = group["doc_id"].to_list()
        shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
        total = frame.filter((pl.col("task") == task) & (pl.col("metric") == metric)).height
        warnings.warn(
            f"{source}: task {task!r}, scorer {metric!r}: {len(ids)} of {total} samples "
            f"unscored (value None/NaN or sample error; ids {shown}); kept with a null score",
            InputWarning,
            stacklevel=4,
        )


def _groups(frame: pl.DataFrame) -> Iterator[tuple[tuple[str, str], pl.DataFrame]]:
    for key, group in frame.group_by(["task", "metric"], maintain_order=True):
        yield (str(key[0]), str(key[1])), group


# ----------------------------------------------------------------------------- metadata


def _metadata(
    log: Mapping[str, Any],
    spec: Mapping[str, Any],
    frame: pl.DataFrame,
    *,
    pairing: InspectPairing,
    source: str,
) -> dict[str, Any]:
    config = _section(spec, "config")
    packages = _section(spec, "packages")
    dataset = _section(spec, "dataset")
    return {
        "harness": "inspect_ai",
        "harness_version": packages.get("inspect_ai"),
        "model": spec.get("model"),
        "task": spec.get("task"),
        "task_version": spec.get("task_version"),
        "epochs": config.get("epochs"),
        "epochs_reducer": config.get("epochs_reducer"),
        "limit": config.get("limit"),
        "dataset": dataset.get("name"),
        "dataset_samples": dataset.get("samples"),
        "n_samples": frame["doc_id"].n_unique(),
        "status": log.get("status"),
        "pairing": pairing,
        "source": source,
    }


def _section(spec: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = spec.get(key)
    return value if isinstance(value, dict) else {}


# ----------------------------------------------------------------------------- checks


def _check_pairing(pairing: str) -> None:
    if pairing not in _PAIRINGS:
        raise InvalidArgumentError(f"pairing: expected 'reduced' or 'epoch', got {pairing!r}")


def _require_mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise InputFormatError(f"{what} is missing or not an object")
    return value


def _require_text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise InputFormatError(f"{what} is missing or not a string")
    return value


# ----------------------------------------------------------------------------- detection


def _json_is_inspect_log(path: Path) -> bool:
    try:
        with open_regular(path) as fh:
            head = fh.read(4096)
    except (OSError, InputFormatError):
        return False
    return head.lstrip().startswith(b"{") and b'"eval"' in head and b'"status"' in head


def is_inspect_log(path: Path) -> bool:
    """An Inspect ``.eval``/``.json`` log, or a directory holding one (three levels deep)."""
    if path.is_file():
        if path.suffix == ".eval":
            return True  # the reader says what is wrong with a broken or truncated one
        return path.suffix == ".json" and _json_is_inspect_log(path)
    if not path.is_dir():
        return False
    for pattern in ("*", "*/*", "*/*/*"):
        for candidate in path.glob(pattern):
            if candidate.suffix == ".eval" and candidate.is_file():
                return True
            is_json = candidate.suffix == ".json" and candidate.is_file()
            if is_json and _json_is_inspect_log(candidate):
                return True
    return False


def load_inspect_run(path: Path) -> tuple[pl.DataFrame, list[RunResults]]:
    """Score frame plus one :class:`RunResults` per log (what reports show about
    the run: harness version, task version, samples, model, limit, epochs)."""
    frame, metas = read_inspect_runs(path)
    return frame, [_as_run_results(meta) for meta in metas]


def _as_run_results(meta: Mapping[str, Any]) -> RunResults:
    task = str(meta.get("task"))
    version = meta.get("harness_version")
    data: dict[str, Any] = {
        "model_name": meta.get("model"),
        "harness_version": f"inspect_ai {version}" if version else "inspect_ai",
        "versions": {task: meta.get("task_version")},
        "n-samples": {
            task: {"original": meta.get("dataset_samples"), "effective": meta.get("n_samples")}
        },
        "config": {
            "model": meta.get("model"),
            "limit": meta.get("limit"),
            "epochs": meta.get("epochs"),
            "pairing": meta.get("pairing"),
        },
    }
    return RunResults(Path(str(meta.get("source"))), None, data)


__all__ = [
    "InspectPairing",
    "InspectRun",
    "is_inspect_log",
    "load_inspect_run",
    "read_inspect",
    "read_inspect_runs",
    "run_from_log_dict",
]
