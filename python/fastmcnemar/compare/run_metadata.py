"""The run metadata a comparison reports: models, files, harness version, task versions,
n-shot, hash checks, and notes (with a warning) where the two runs' settings differ."""

from __future__ import annotations

import warnings
from typing import Any

from fastmcnemar.compare.loading import LoadedRun
from fastmcnemar.exceptions import PairingWarning
from fastmcnemar.pairing import PairingReport


def task_infos(ref: LoadedRun, cand: LoadedRun) -> dict[str, list[dict[str, Any]]]:
    """Each task's results-file sections, the reference's first (for the metric choice)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for run in (ref, cand):
        for task, info in run.task_results().items():
            out.setdefault(task, []).append(info)
    return out


def _one_run(run: LoadedRun, tasks: list[str]) -> dict[str, Any]:
    """One run's label, format, files, harness version, config and per-task settings."""
    info = run.task_results()
    config: dict[str, Any] = {}
    version = None
    for r in run.results:
        version = version or r.data.get("lm_eval_version") or r.data.get("harness_version")
        cfg = r.data.get("config")
        if isinstance(cfg, dict):
            for key in ("model", "model_args", "limit", "gen_kwargs", "fewshot_seed"):
                if key in cfg:
                    config.setdefault(key, cfg[key])
    per_task = {
        t: {
            "version": info.get(t, {}).get("versions"),
            "n_shot": info.get(t, {}).get("n-shot"),
            "n_samples": info.get(t, {}).get("n-samples"),
            "task_hash": info.get(t, {}).get("task_hashes"),
        }
        for t in tasks
        if t in info
    }
    return {
        "label": run.label,
        "format": run.fmt,
        "files": sorted({str(r.path) for r in run.results}),
        "harness_version": version,
        "config": config,
        "tasks": per_task,
    }


def run_metadata(
    ref: LoadedRun, cand: LoadedRun, report: PairingReport, tasks: list[str]
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "reference": _one_run(ref, tasks),
        "candidate": _one_run(cand, tasks),
        "hash_checks": {
            "samples_with_hashes": report.hashes_checked,
            "prompt_hash_differs": dict(report.prompt_hash_differs),
        },
        "notes": list(report.notes),
    }
    notes: list[str] = meta["notes"]
    for task in tasks:
        for key, what in (("version", "task version"), ("n_shot", "n-shot")):
            a = meta["reference"]["tasks"].get(task, {}).get(key)
            b = meta["candidate"]["tasks"].get(task, {}).get(key)
            if a is not None and b is not None and a != b:
                message = f"task {task!r}: {what} differs (reference {a}, candidate {b})"
                notes.append(message)
                warnings.warn(message, PairingWarning, stacklevel=4)
    return meta


__all__ = ["run_metadata", "task_infos"]
