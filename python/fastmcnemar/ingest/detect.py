"""Which reader a path needs, decided from the path alone.

Each format has a detector (path -> bool) and a loader (path -> score frame);
:data:`FORMATS` lists them in the order they are tried. Other harnesses' readers
register here by adding one :class:`Format` line.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from fastmcnemar._fork_guard import check_fork_safe
from fastmcnemar.exceptions import InputFormatError
from fastmcnemar.ingest.lfs import check_not_lfs_pointer
from fastmcnemar.ingest.safe_io import file_kind, open_regular

_LM_EVAL_NAME = re.compile(
    r"^(samples_.+_\d{4}-\d{2}-\d{2}T[\d.-]+\.jsonl|.+_\d{4}-\d{2}-\d{2}T[\d.-]+\.json|results\.json)$"
)


def _looks_like_lm_eval_file(path: Path) -> bool:
    if not _LM_EVAL_NAME.match(path.name):
        return False
    if path.name.endswith(".json"):
        with open_regular(path) as fh:
            head = fh.read(4096)
        return b'"results"' in head or b'"configs"' in head or path.name == "results.json"
    return True


def is_lm_eval(path: Path) -> bool:
    """An lm-eval samples/results file, or a directory holding them (two levels deep)."""
    if path.is_file():
        return _looks_like_lm_eval_file(path)
    if not path.is_dir():
        return False
    for depth_glob in ("*", "*/*", "*/*/*"):
        for candidate in path.glob(depth_glob):
            name = candidate.name
            if name.startswith("samples_") and name.endswith(".jsonl"):
                return True
            if name == "results.json" or (name.startswith("results_") and name.endswith(".json")):
                return True
    return False


def is_scores(path: Path) -> bool:
    """A generic score file (CSV/TSV/Parquet/JSONL), a folder of them, or model_paths.json."""
    suffixes = {".csv", ".tsv", ".parquet", ".jsonl", ".ndjson"}
    if path.is_file():
        return path.suffix.lower() in suffixes or path.name.endswith("model_paths.json")
    if path.is_dir():
        return any(p.suffix.lower() in suffixes for p in path.iterdir() if p.is_file())
    return False


def _load_lm_eval(path: Path, **options: Any) -> pl.DataFrame:
    from fastmcnemar.ingest.lm_eval import read_lm_eval

    return read_lm_eval(path, **options)


def _load_scores(path: Path, **options: Any) -> pl.DataFrame:
    from fastmcnemar.ingest.scores import read_scores

    return read_scores(path, **options)


def _is_inspect(path: Path) -> bool:
    from fastmcnemar.ingest.inspect_logs import is_inspect_log

    return is_inspect_log(path)


def _load_inspect(path: Path, **options: Any) -> pl.DataFrame:
    from fastmcnemar.ingest.inspect_logs import read_inspect

    return read_inspect(path, **options)


def _inspect_run(path: Path) -> tuple[pl.DataFrame, list[Any]]:
    from fastmcnemar.ingest.inspect_logs import load_inspect_run

    return load_inspect_run(path)


def _is_lighteval(path: Path) -> bool:
    from fastmcnemar.ingest.lighteval import is_lighteval

    return is_lighteval(path)


def _load_lighteval(path: Path, **options: Any) -> pl.DataFrame:
    from fastmcnemar.ingest.lighteval import read_lighteval

    return read_lighteval(path, **options)


def _lighteval_run(path: Path) -> tuple[pl.DataFrame, list[Any]]:
    from fastmcnemar.ingest.lighteval import load_lighteval_run

    return load_lighteval_run(path)


@dataclass(frozen=True)
class Format:
    """A per-sample output format: its name, how to recognise it, how to read it.

    ``load_run`` (optional) reads the scores together with the run's metadata as
    :class:`~fastmcnemar.ingest.lm_eval_layout.RunResults` (harness version,
    task versions, n-shot, samples) for the comparison's ``metadata``.
    """

    name: str
    detect: Callable[[Path], bool]
    load: Callable[..., pl.DataFrame]
    load_run: Callable[[Path], tuple[pl.DataFrame, list[Any]]] | None = None


#: Formats in the order they are tried. Add one line per reader.
FORMATS: list[Format] = [
    Format("inspect", _is_inspect, _load_inspect, _inspect_run),
    Format("lighteval", _is_lighteval, _load_lighteval, _lighteval_run),
    Format("lm_eval", is_lm_eval, _load_lm_eval),
    Format("scores", is_scores, _load_scores),
]


def detect_format(path: str | os.PathLike[str]) -> str:
    """The name of the first format in :data:`FORMATS` that recognises ``path``.

    Raises :class:`InputFormatError` when the path does not exist or no format
    recognises it.

    Examples
    --------
    >>> from fastmcnemar.ingest.detect import detect_format
    >>> from fastmcnemar.data import example_path
    >>> detect_format(example_path("reference"))
    'lm_eval'
    """
    check_fork_safe()  # Polars would hang in a child forked after use
    target = Path(path)
    if not target.exists():
        raise InputFormatError(f"{target}: no such file or directory")
    mode = target.stat().st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise InputFormatError(f"{target}: {file_kind(mode)}, not a run file or directory")
    for fmt in FORMATS:
        if fmt.detect(target):
            return fmt.name
    check_not_lfs_pointer(target)
    known = ", ".join(f.name for f in FORMATS)
    raise InputFormatError(f"{target}: not a recognised evaluation output (formats: {known})")


def read_any(path: str | os.PathLike[str], **options: Any) -> pl.DataFrame:
    """Detect the format of ``path`` and read it into a score frame."""
    name = detect_format(path)
    fmt = next(f for f in FORMATS if f.name == name)
    return fmt.load(Path(path), **options)


__all__ = ["FORMATS", "Format", "detect_format", "is_lm_eval", "is_scores", "read_any"]
