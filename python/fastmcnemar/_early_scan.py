"""The reference's samples files, scanned while the command imports its modules.

A ``fastmcnemar compare`` or ``audit`` spends its first 0.2-0.3 s importing NumPy, Polars
and the package on one core, and only then reads the reference. The command calls
:func:`start` with the reference's path before those imports, and a thread scans the
reference's lm-eval samples files on the other core meanwhile; the lm-eval reader then
takes each file's columns with :func:`take` instead of scanning the file again.

It is an earlier start of the same scan, never a second reader:

- only a plain lm-eval run is started: samples files in one folder (the path or one
  folder below it), one per task, with at most one ``results_*.json`` beside them (one
  run, so none is superseded), at most 512 MiB in all; anything else is left to the
  reader;
- the files are scanned by the reader's own scanner (``scan_jsonl_many``, one call, on one
  core) for doc_id, filter, the hashes, and every key that holds a number or a boolean
  on a file's first or last line;
- :func:`take` hands a file's columns over once, only when the file is unchanged
  (device, inode, size, modification time) and every key asked for was scanned as asked;
  otherwise, and for a file that could not be scanned, the reader scans it itself and
  names what is wrong, exactly as without this module;
- NumPy, ``json`` and the core are imported before the thread starts, so the thread
  imports nothing and cannot wait on an import the command is making.

Only the command line uses it: a library call never starts a scan, and :func:`take`
then returns None at once.
"""

from __future__ import annotations

import os
import threading
from typing import Any, ClassVar

from fastmcnemar._lm_eval_names import LAYOUT_SKIP, TEXT_KEYS

#: A larger reference is read by the reader on every core: a one-core scan that outlasts
#: the imports (about 0.2 s, in which one core scans about 500 MB) would keep it waiting.
MAX_BYTES = 512 << 20
MAX_FILES = 2048

#: A file's identity and contents as ``os.stat`` sees them.
_Stamp = tuple[int, int, int, int]
#: rows, [(kinds, column)], line starts: what ``scan_jsonl`` returns.
_Scan = tuple[int, list[tuple[Any, Any]], Any]


class _State:
    lock = threading.Lock()
    #: The scanning thread (None when no scan was started); its scans are in once it ends.
    thread: threading.Thread | None = None
    #: (device, inode) -> (stamp, keys, text flags, scan), filled by the thread.
    scans: ClassVar[dict[tuple[int, int], tuple[_Stamp, list[str], list[bool], _Scan]]] = {}


def start(path: str | os.PathLike[str]) -> bool:
    """Start scanning the reference ``path`` on a thread when it is a plain lm-eval run.

    Returns whether a scan started. Never raises for the path: whatever it cannot use
    is left to the reader, which reports it.
    """
    stop()  # a scan started before (an earlier command in this process) ends first
    try:
        files = _one_run(os.fspath(path))
    except (OSError, ValueError):
        return False
    if not files:
        return False
    stamps = [_stamp(stat) for _, stat in files]
    import json

    import numpy  # noqa: F401  the scans come back as NumPy arrays: loaded here, not there

    from fastmcnemar import _core

    thread = threading.Thread(
        target=_scan,
        args=(_core, json.loads, [path for path, _ in files], stamps),
        name="fastmcnemar-early-scan",
        daemon=True,
    )
    _State.thread = thread
    thread.start()
    return True


def take(path: str | os.PathLike[str], keys: list[str], text_keys: list[bool]) -> _Scan | None:
    """The early scan of ``path`` for ``keys`` (waiting for it if it is under way), or
    None when there is none to use: the caller then scans the file itself."""
    thread = _State.thread
    if thread is None:
        return None
    thread.join()
    try:
        stat = os.stat(path)
    except OSError:
        return None
    with _State.lock:
        found = _State.scans.pop((stat.st_dev, stat.st_ino), None)
    if found is None:
        return None
    stamp, scanned, as_text, (rows, columns, starts) = found
    if stamp != _stamp(stat):
        return None
    where = {key: i for i, key in enumerate(scanned)}
    wanted = [where.get(key) for key in keys]
    if any(i is None or as_text[i] != text for i, text in zip(wanted, text_keys, strict=True)):
        return None
    return rows, [columns[i] for i in wanted if i is not None], starts


def stop() -> None:
    """Forget the early scan (the command is done with its reference): waits for the
    thread, drops what was not taken, and :func:`take` returns None again."""
    thread = _State.thread
    if thread is not None:
        thread.join()  # so that the command's quick exit finds no other thread
    with _State.lock:
        _State.thread = None
        _State.scans = {}


def _one_run(path: str) -> list[tuple[str, os.stat_result]]:
    """The samples files of ``path`` (with their ``stat``) when it is one plain lm-eval
    run, else none."""
    if not os.path.isdir(path):
        return []
    with os.scandir(path) as entries:
        folders = [path, *sorted(e.path for e in entries if e.is_dir())]
    runs = [found for found in map(_run_files, folders) if found[0] or found[1]]
    if len(runs) != 1:
        return []
    files, results = runs[0]
    if results > 1 or not files or len(files) > MAX_FILES:
        return []
    # samples_<task>_<date>.jsonl: a task run twice leaves the reader to pick the newest.
    tasks = {os.path.basename(f).rsplit("_", 1)[0] for f in files}
    if len(tasks) != len(files):
        return []
    stats = [(f, os.stat(f)) for f in files]
    if sum(stat.st_size for _, stat in stats) > MAX_BYTES:
        return []
    return stats


def _run_files(folder: str) -> tuple[list[str], int]:
    """A folder's JSON-lines samples files (regular files only) and its results count."""
    samples: list[str] = []
    results = 0
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            name = entry.name
            if name.startswith("samples_") and name.endswith(".jsonl") and entry.is_file():
                samples.append(entry.path)
            elif name.startswith("results") and name.endswith(".json"):
                results += 1
    return samples, results


def _stamp(stat: os.stat_result) -> _Stamp:
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def _scan(core: Any, loads: Any, files: list[str], stamps: list[_Stamp]) -> None:
    """The thread: outline the files, pick the keys, scan them all in one call."""
    try:
        keys = list(TEXT_KEYS)
        for _, first, last in core.outline_jsonl(files, sorted(LAYOUT_SKIP), n_threads=1):
            for text in (first, last):
                record = loads(text) if text is not None else {}
                for key, value in record.items() if isinstance(record, dict) else ():
                    number = isinstance(value, (bool, int, float))
                    if number and key not in keys:
                        keys.append(key)
        as_text = [key in TEXT_KEYS for key in keys]
        scans = core.scan_jsonl_many(files, keys, as_text, n_threads=1)
        with _State.lock:
            for stamp, scan in zip(stamps, scans, strict=True):
                if scan is not None:
                    _State.scans[stamp[0], stamp[1]] = (stamp, keys, as_text, scan)
    except Exception:  # the reader scans the files itself and reports what is wrong
        pass
