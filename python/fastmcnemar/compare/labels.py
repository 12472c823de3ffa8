"""How an audit names its candidates, and which runs are not candidates.

A candidate given by path is named by the model its run records (the harness's model
name) when every candidate has a distinct one; otherwise by the shortest path suffix
that tells the candidates apart (``ckpt-1000`` rather than ``/data/evals/.../ckpt-1000``).
A candidate that is the reference itself (the same file or directory) is left out with a
warning: a run audited against itself says nothing.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import polars as pl

from fastmcnemar.compare.task_stats import TaskStats
from fastmcnemar.exceptions import InputWarning


def shortest_unique_suffixes(paths: list[str]) -> list[str]:
    """For each path, its last components: as few as make it unique among ``paths``.

    Examples
    --------
    >>> shortest_unique_suffixes(["/r/a/ckpt-1", "/r/b/ckpt-1", "/r/a/ckpt-2"])
    ['a/ckpt-1', 'b/ckpt-1', 'ckpt-2']
    """
    parts = [Path(p).parts or (p,) for p in paths]
    out = []
    for i, mine in enumerate(parts):
        for k in range(1, len(mine) + 1):
            tail = mine[-k:]
            if all(other[-k:] != tail for j, other in enumerate(parts) if j != i):
                break
        out.append(str(Path(*tail)) if tail else paths[i])
    return out


def _same_run(a: Any, b: Any) -> bool:
    if not isinstance(a, (str, os.PathLike)) or not isinstance(b, (str, os.PathLike)):
        return a is b
    try:
        return Path(a).resolve() == Path(b).resolve() or os.path.samefile(a, b)
    except OSError:
        return False


def without_reference(runs: dict[str, Any], reference: Any) -> dict[str, Any]:
    """``runs`` without the candidates that are the reference run itself (warned)."""
    kept = {}
    for label, run in runs.items():
        if _same_run(run, reference):
            warnings.warn(
                f"candidate {label} is the reference itself: left out of the audit",
                InputWarning,
                stacklevel=3,
            )
            continue
        kept[label] = run
    return kept


def path_labels(runs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Path-named candidates renamed to their shortest unique path suffixes; also
    ``{new label: path}`` of those renamed."""
    labels = list(runs)
    is_path = [isinstance(runs[k], (str, os.PathLike)) and k == str(runs[k]) for k in labels]
    short = iter(shortest_unique_suffixes([k for k, p in zip(labels, is_path, strict=True) if p]))
    out: dict[str, Any] = {}
    paths: dict[str, str] = {}
    for label, path_named in zip(labels, is_path, strict=True):
        name = next(short) if path_named else label
        out[name] = runs[label]
        if path_named:
            paths[name] = label
    return out, paths


def relabel(stats: TaskStats, new: str) -> TaskStats:
    """The same statistics under the candidate label ``new``."""

    def rename(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(pl.lit(new, dtype=pl.Utf8).alias("candidate"))

    meta = {new: next(iter(stats.metadata.values()))} if stats.metadata else {}
    return TaskStats(
        rename(stats.rows), rename(stats.skipped), meta, stats.index_key, rename(stats.flips)
    )


def model_labels(results: dict[str, TaskStats], paths: dict[str, str]) -> dict[str, TaskStats]:
    """Path-named candidates (``{label: path}``) renamed to the model their run records,
    when every one records a model and the names are distinct from each other and from
    the other labels; else every label is kept."""
    names: dict[str, str] = {}
    for label, path in paths.items():
        meta = results[label].metadata.get(label, {})
        name = str(meta.get("candidate", {}).get("label") or "")
        if name and name != path:  # a run without a model name is labelled by its path
            names[label] = name
    chosen = list(names.values())
    others = set(results) - set(paths)
    if len(names) != len(paths) or len(set(chosen)) != len(chosen) or set(chosen) & others:
        return results
    return {names.get(k, k): relabel(v, names[k]) if k in names else v for k, v in results.items()}


__all__ = [
    "model_labels",
    "path_labels",
    "relabel",
    "shortest_unique_suffixes",
    "without_reference",
]
