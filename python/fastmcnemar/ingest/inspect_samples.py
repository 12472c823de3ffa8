"""Per-sample fields of Inspect logs beyond the scores: id, epoch and metadata.

Only read when a comparison clusters on them (``cluster="metadata.<field>"`` or
``"id"``); the score reader skips sample metadata for speed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastmcnemar.exceptions import InputFormatError
from fastmcnemar.ingest.inspect_logs import _load_eval_zip
from fastmcnemar.ingest.safe_io import loads, read_bounded

_SUFFIXES = (".eval", ".json")


def _log(path: Path) -> dict[str, Any] | None:
    if path.suffix == ".eval":
        return _load_eval_zip(path)
    try:
        # Bounded, and never a plain open(): a FIFO would block it.
        data = loads(read_bounded(path), str(path))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFormatError(f"{path}: not valid JSON ({exc})") from None
    return data if isinstance(data, dict) and isinstance(data.get("eval"), dict) else None


def sample_fields(path: Path) -> Iterator[tuple[str, str, int, dict[str, Any]]]:
    """(task, sample id, epoch, metadata) of every sample of every log under ``path``."""
    files = (
        sorted(p for p in path.rglob("*") if p.suffix in _SUFFIXES and p.is_file())
        if path.is_dir()
        else [path]
    )
    for file in files:
        log = _log(file)
        if log is None:
            continue
        task = str(log["eval"].get("task"))
        for sample in log.get("samples") or []:
            if not isinstance(sample, dict):
                continue
            metadata = sample.get("metadata")
            yield (
                task,
                str(sample.get("id")),
                int(sample.get("epoch", 1)),
                metadata if isinstance(metadata, dict) else {},
            )


__all__ = ["sample_fields"]
