"""Where lm-evaluation-harness put its files, for every 0.4.x layout.

0.4.3 and later (EvaluationTracker)::

    DIR/<model_name_sanitized>/results_<date_id>.json
    DIR/<model_name_sanitized>/samples_<task>_<date_id>.jsonl

0.4.9 and later, ``--output_path out/run.json``: ``out/run_<date_id>.json`` and the samples
files in ``out/`` with no model sub-directory. 0.4.0-0.4.2: ``DIR/results.json`` (fixed name)
and ``DIR/<model_args with / and = replaced by __>_<task>.jsonl`` holding a JSON array.

This module only finds files and groups them into runs; reading is in :mod:`.lm_eval`.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastmcnemar.exceptions import InputFormatError
from fastmcnemar.ingest.lfs import check_not_lfs_pointer
from fastmcnemar.ingest.safe_io import loads, open_regular, read_bounded

# `datetime.now().isoformat().replace(":", "-")`, e.g. 2025-01-24T19-02-29.392595
_DATE_ID = r"\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d+)?"
_SAMPLES_RE = re.compile(rf"^samples_(?P<task>.+)_(?P<ts>{_DATE_ID})\.jsonl$")
_RESULTS_RE = re.compile(rf"^(?P<stem>.+)_(?P<ts>{_DATE_ID})\.json$")
_MODEL_ARG_KEYS = ("peft", "delta", "pretrained", "model", "path", "engine")
# How deep below the given directory runs are looked for (DIR/model/files is depth 1).
_MAX_DEPTH = 3


@dataclass
class RunResults:
    """One ``results*.json`` file, parsed (they are small)."""

    path: Path
    timestamp: str | None
    data: dict[str, Any]

    @property
    def model(self) -> str | None:
        return model_name_from_results(self.data)


@dataclass
class SamplesFile:
    """One per-sample file of one task of one run."""

    path: Path
    task: str
    timestamp: str | None  # None for the 0.4.0-0.4.2 fixed-name layout
    legacy: bool  # a JSON array written by 0.4.0-0.4.2
    results: RunResults | None = None
    model: str = ""


@dataclass
class Discovery:
    """What a path holds: the samples files chosen and the ones passed over."""

    files: list[SamplesFile] = field(default_factory=list)
    superseded: list[SamplesFile] = field(default_factory=list)


def model_name_from_results(data: dict[str, Any]) -> str | None:
    """The run's model name as lm-eval derives it (``model_name``, else from model_args)."""
    name = data.get("model_name")
    if isinstance(name, str) and name:
        return name
    config = data.get("config")
    if isinstance(config, dict):
        args = config.get("model_args")
        if isinstance(args, str):
            parts = dict(p.split("=", 1) for p in args.split(",") if "=" in p)
            for key in _MODEL_ARG_KEYS:
                if parts.get(key):
                    return parts[key]
        if isinstance(args, dict):
            for key in _MODEL_ARG_KEYS:
                if args.get(key):
                    return str(args[key])
        model = config.get("model")
        if isinstance(model, str) and model:
            return model
    return None


#: Sections of a results file keyed by task, and what each entry must be (None: anything).
_TASK_SECTIONS: dict[str, type | None] = {
    "configs": dict,
    "higher_is_better": dict,
    "n-samples": dict,
    "group_subtasks": list,
    "versions": None,
    "n-shot": None,
    "task_hashes": None,
}


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _load_results(path: Path) -> dict[str, Any] | None:
    """Parse a results file; None if it is JSON but not an lm-eval results object.

    A file named ``results_<date>.json`` / ``results.json``, or any JSON object
    with a ``results`` key, must be a well-formed results object: a malformed
    one is an error naming the field, never skipped without a word.
    """
    check_not_lfs_pointer(path)
    try:
        data = loads(read_bounded(path), str(path))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputFormatError(f"{path}: cannot read lm-eval results file: {err}") from None
    named_results = path.name == "results.json" or path.name.startswith("results_")
    if not isinstance(data, dict):
        if named_results:
            raise InputFormatError(
                f"{path}: an lm-eval results file must be a JSON object, got {_type_name(data)}"
            )
        return None
    if "results" not in data and not named_results:
        return None
    check_results_fields(data, path)
    return data


def check_results_fields(data: dict[str, Any], path: Path) -> None:
    """Raise :class:`InputFormatError` naming the first malformed field of a results object."""
    results = data.get("results")
    if not isinstance(results, dict):
        raise InputFormatError(
            f"{path}: field 'results' must be an object (task -> metrics), "
            f"got {_type_name(results)}"
        )
    for task, metrics in results.items():
        if not isinstance(metrics, dict):
            raise InputFormatError(
                f"{path}: field 'results.{task}' must be an object (metric -> value), "
                f"got {_type_name(metrics)}"
            )
    for section, entry_type in _TASK_SECTIONS.items():
        if section not in data:
            continue
        value = data[section]
        if not isinstance(value, dict):
            raise InputFormatError(
                f"{path}: field {section!r} must be an object keyed by task, "
                f"got {_type_name(value)}"
            )
        if entry_type is None:
            continue
        for task, entry in value.items():
            if not isinstance(entry, entry_type):
                raise InputFormatError(
                    f"{path}: field '{section}.{task}' must be {_type_name(entry_type())}, "
                    f"got {_type_name(entry)}"
                )
            if isinstance(entry, list) and not all(isinstance(t, str) for t in entry):
                raise InputFormatError(
                    f"{path}: field 'group_subtasks.{task}' must list task names (strings)"
                )
    config = data.get("config")
    if config is not None and not isinstance(config, dict):
        raise InputFormatError(
            f"{path}: field 'config' must be an object, got {_type_name(config)}"
        )


def _first_char(path: Path) -> str:
    check_not_lfs_pointer(path)
    with open_regular(path) as fh:
        head = fh.read(256).lstrip()
    return head[:1].decode("ascii", "replace")


def _legacy_prefix(results: dict[str, Any]) -> str | None:
    config = results.get("config")
    if not isinstance(config, dict):
        return None
    args = config.get("model_args")
    if not isinstance(args, str):
        return None
    return re.sub("/|=", "__", args)


def _walk(root: Path) -> list[Path]:
    """Files up to ``_MAX_DEPTH`` directories below ``root``, sorted."""
    found: list[Path] = []
    base_depth = len(root.parts)
    for dirpath, dirnames, filenames in os.walk(root):
        depth = len(Path(dirpath).parts) - base_depth
        if depth >= _MAX_DEPTH:
            dirnames[:] = []
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath) / name for name in sorted(filenames))
    return found


def _tasks_of(results: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for key in ("configs", "results", "versions"):
        value = results.get(key)
        if isinstance(value, dict):
            names.extend(k for k in value if k not in names)
    return names


def _legacy_task(path: Path, results: RunResults | None) -> str:
    """Task of a 0.4.0-0.4.2 samples file: the known task name its file name ends with."""
    if results is None:
        raise InputFormatError(
            f"{path}: a JSON-array samples file (lm-eval 0.4.0-0.4.2) needs the run's "
            "results.json beside it to know its task name"
        )
    stem = path.name[: -len(".jsonl")] if path.name.endswith(".jsonl") else path.stem
    prefix = _legacy_prefix(results.data)
    if prefix is not None and stem.startswith(prefix + "_"):
        return stem[len(prefix) + 1 :]
    matches = [t for t in _tasks_of(results.data) if stem.endswith("_" + t) or stem == t]
    if not matches:
        raise InputFormatError(
            f"{path}: no task of {results.path.name} matches this file name "
            "(expected <model_args>_<task>.jsonl)"
        )
    return max(matches, key=len)


def _classify(paths: list[Path]) -> tuple[list[SamplesFile], list[RunResults]]:
    """Sort files into samples files and results files; attach each sample file's run."""
    results: list[RunResults] = []
    candidates: list[Path] = []
    for path in paths:
        name = path.name
        if name.endswith(".jsonl"):
            candidates.append(path)
        elif name.endswith(".json"):
            match = _RESULTS_RE.match(name)
            if match is None and name != "results.json":
                continue
            data = _load_results(path)
            if data is not None:
                results.append(RunResults(path, match["ts"] if match else None, data))
    by_dir_ts = {(r.path.parent, r.timestamp): r for r in results}
    samples: list[SamplesFile] = []
    for path in candidates:
        match = _SAMPLES_RE.match(path.name)
        if match is not None:
            run = by_dir_ts.get((path.parent, match["ts"]))
            samples.append(SamplesFile(path, match["task"], match["ts"], False, run))
            continue
        legacy_run = by_dir_ts.get((path.parent, None))
        if legacy_run is None or _first_char(path) != "[":
            continue  # some other .jsonl file, not lm-eval's
        samples.append(SamplesFile(path, _legacy_task(path, legacy_run), None, True, legacy_run))
    for sample in samples:
        model = sample.results.model if sample.results is not None else None
        sample.model = model or _model_from_dir(sample.path)
    return samples, results


def _model_from_dir(path: Path) -> str:
    """Fallback model label: the sanitized model directory name lm-eval created."""
    return path.parent.name or str(path.parent)


def _explicit_file(path: Path) -> list[Path]:
    """The files a single given file stands for (a results file selects its run)."""
    name = path.name
    siblings = sorted(p for p in path.parent.iterdir() if p.is_file())
    if name.endswith(".jsonl"):
        match = _SAMPLES_RE.match(name)
        if match is not None:
            extra = [p for p in siblings if _RESULTS_RE.match(p.name) and match["ts"] in p.name]
            return [path, *extra]
        legacy = path.parent / "results.json"
        return [path, legacy] if legacy.is_file() else [path]
    if name.endswith(".json"):
        match = _RESULTS_RE.match(name)
        if match is not None:
            ts = match["ts"]
            sample_files = [
                p for p in siblings if (m := _SAMPLES_RE.match(p.name)) and m["ts"] == ts
            ]
            return [path, *sample_files]
        if name == "results.json" or _load_results(path) is not None:
            data = _load_results(path)
            if data is None:
                raise InputFormatError(f"{path}: not an lm-eval results file (no 'results')")
            prefix = _legacy_prefix(data)
            legacy_files = [
                p
                for p in siblings
                if p.name.endswith(".jsonl") and (prefix is None or p.name.startswith(prefix))
            ]
            return [path, *legacy_files]
    raise InputFormatError(
        f"{path}: not an lm-eval file (expected samples_<task>_<date>.jsonl, "
        "results_<date>.json or a 0.4.0-0.4.2 results.json)"
    )


def discover(
    path: str | os.PathLike[str],
    *,
    model: str | None = None,
    timestamp: str | None = None,
) -> Discovery:
    """Find the samples files under ``path`` and pick one run per (model, task).

    When a task of a model was run several times, the newest run is used and the
    others are returned in ``superseded`` (callers warn about them); ``timestamp``
    picks a run explicitly (the ``date_id`` in the file names, a prefix is enough).
    """
    root = Path(path)
    if not root.exists():
        raise InputFormatError(f"{root}: no such file or directory")
    paths = _explicit_file(root) if root.is_file() else _walk(root)
    samples, _ = _classify(paths)
    if not samples:
        raise InputFormatError(
            f"{root}: no lm-eval samples files found (was the run made with --log_samples?)"
        )
    if model is not None:
        known = sorted({s.model for s in samples})
        samples = [s for s in samples if _model_matches(s, model)]
        if not samples:
            raise InputFormatError(
                f"{root}: no run of model {model!r} (models: {', '.join(known)})"
            )
    if timestamp is not None:
        known_ts = sorted({s.timestamp or "(none)" for s in samples})
        samples = [
            s for s in samples if s.timestamp is not None and s.timestamp.startswith(timestamp)
        ]
        if not samples:
            raise InputFormatError(
                f"{root}: no run with timestamp {timestamp!r} (timestamps: {', '.join(known_ts)})"
            )
    groups: dict[tuple[str, str], list[SamplesFile]] = {}
    for sample in samples:
        groups.setdefault((sample.model, sample.task), []).append(sample)
    found = Discovery()
    for key in sorted(groups):
        runs = sorted(groups[key], key=lambda s: (s.timestamp or "", str(s.path)))
        found.files.append(runs[-1])
        found.superseded.extend(runs[:-1])
    return found


def _model_matches(sample: SamplesFile, wanted: str) -> bool:
    sanitized = re.sub(r"[\"<>:/|\\?*\[\]]+", "__", wanted)
    names = {
        sample.model,
        re.sub(r"[\"<>:/|\\?*\[\]]+", "__", sample.model),
        sample.path.parent.name,
    }
    return wanted in names or sanitized in names


__all__ = ["Discovery", "RunResults", "SamplesFile", "discover", "model_name_from_results"]
