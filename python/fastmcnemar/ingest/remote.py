"""Runs kept in object storage: ``s3://``, ``gs://``, ``az://``, ``hf://`` and any fsspec URI.

The readers are written for local files: the lm-eval scanner reads them with
``pread`` on every core, Inspect ``.eval`` logs are zip archives read with
random access, lighteval details are parquet. Rather than teach each reader a
second I/O layer, a remote run is *staged*: its files are listed through
fsspec, the ones a reader could use are downloaded concurrently (one batched
``get``, which s3fs/gcsfs/adlfs run as parallel requests) into a private
temporary directory that mirrors the bucket layout, the local reader runs on
that copy, and the copy is deleted. Everything the reader returns or says is
then *relocated*: the ``source`` column, run-metadata paths, warning and error
messages name the URI, never the temporary copy. Because the copy keeps the
remote layout from the bucket root down, directory layouts (lm-eval's model
folders, lighteval's ``details/`` and ``results/`` trees), format detection and
hashes behave exactly as on local disk.

Local paths never come here: :func:`is_remote` is false for them and the
readers keep their direct fast path.

Credentials come from the usual places (environment variables such as
``AWS_ACCESS_KEY_ID`` / ``AWS_ENDPOINT_URL``, ``~/.aws`` profiles,
``GOOGLE_APPLICATION_CREDENTIALS``, ``HF_TOKEN``) unless ``storage_options``
passes them explicitly; they go to ``fsspec.core.url_to_fs`` unchanged.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import polars as pl

from fastmcnemar.exceptions import InputFormatError

T = TypeVar("T")

#: Held while warnings are being recorded: ``warnings.catch_warnings`` swaps
#: process-wide state, so two threads recording at once would restore each
#: other's filters. Re-entrant: a worker's recording may wrap a staged read.
WARNINGS_LOCK = threading.RLock()

#: Storage options as fsspec takes them (``key``, ``secret``, ``endpoint_url``, ``token``...).
StorageOptions = Mapping[str, Any]

# Files any reader looks at; everything else in a remote folder is never downloaded.
_READABLE_SUFFIXES = (".json", ".jsonl", ".ndjson", ".eval", ".parquet", ".csv", ".tsv")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*(::[A-Za-z][A-Za-z0-9+.\-]*)*://")
_PATH_COLUMNS = ("source", "candidate", "model")
# lm-eval's results files: results_<date>.json, <stem>_<date>.json, 0.4.0-0.4.2 results.json.
_LM_EVAL_RESULTS = re.compile(r"^(.+_\d{4}-\d{2}-\d{2}T[\d.-]+|results)\.json$")
_DATE_ID = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d+)?$")


def is_remote(path: object) -> bool:
    """True for a URI with a scheme other than ``file://`` (``s3://b/k``, ``hf://...``).

    Examples
    --------
    >>> is_remote("s3://bucket/runs/ckpt-1"), is_remote("runs/ckpt-1"), is_remote("file:///x")
    (True, False, False)
    """
    if not isinstance(path, str):
        return False
    return _URI.match(path) is not None and not path.startswith("file://")


@dataclass(frozen=True)
class RemotePath:
    """The URI of a remote file where a local reader would hold a :class:`~pathlib.Path`.

    It offers what callers use of such paths (``name``, ``str()``) and
    nothing that would touch a local disk.
    """

    uri: str

    @property
    def name(self) -> str:
        return self.uri.rstrip("/").rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return self.uri


def _filesystem(uri: str, storage_options: StorageOptions | None) -> tuple[Any, str]:
    """(fsspec filesystem, path inside it) for ``uri``; names the extra when fsspec is missing."""
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise InputFormatError(
            f"{uri}: reading remote runs needs fsspec: pip install 'fastmcnemar[remote]'"
        ) from None
    try:
        return url_to_fs(uri, **dict(storage_options or {}))  # type: ignore[no-any-return]
    except ImportError as err:
        # fsspec names the package of the protocol (s3fs, gcsfs, adlfs, huggingface_hub).
        raise InputFormatError(
            f"{uri}: {err} (pip install 'fastmcnemar[remote]' installs s3fs; "
            "gs:// needs gcsfs, az:// needs adlfs, hf:// needs huggingface_hub)"
        ) from None
    except ValueError as err:
        raise InputFormatError(f"{uri}: not a usable URI ({err})") from None


def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


@dataclass(frozen=True)
class Staged:
    """A remote run copied to local disk, and how to name its files by their URIs."""

    local: Path  # what the local reader is given
    local_prefix: str  # the temporary directory, with a trailing "/"
    remote_prefix: str  # what replaces it: the URI's scheme part, e.g. "s3://"

    def uri_of(self, text: str) -> str:
        """``text`` with every local copy path turned into its URI."""
        return text.replace(self.local_prefix, self.remote_prefix)

    def relocate(self, value: T) -> T:
        """``value`` with local copy paths replaced by URIs, through frames,
        containers and dataclasses (the objects the readers return)."""
        return _relocate(value, self)  # type: ignore[no-any-return]


def _relocate(value: Any, staged: Staged) -> Any:
    if isinstance(value, str):
        return staged.uri_of(value)
    if isinstance(value, Path):
        text = str(value)
        if text.startswith(staged.local_prefix):
            return RemotePath(staged.uri_of(text))
        return value
    if isinstance(value, pl.DataFrame):
        # The columns that hold paths: a row's file, and a candidate labelled by its path.
        named = [c for c in _PATH_COLUMNS if value.schema.get(c) == pl.Utf8]
        moved = [
            pl.col(c).str.replace(staged.local_prefix, staged.remote_prefix, literal=True)
            for c in named
        ]
        return value.with_columns(moved) if moved else value
    if isinstance(value, list):
        return [_relocate(v, staged) for v in value]
    if isinstance(value, tuple):
        return tuple(_relocate(v, staged) for v in value)
    if isinstance(value, dict):
        return {_relocate(k, staged): _relocate(v, staged) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [f.name for f in dataclasses.fields(value) if f.init]
        changes = {name: _relocate(getattr(value, name), staged) for name in fields}
        return dataclasses.replace(value, **changes)
    return value


def _wanted_files(fs: Any, root: str, uri: str) -> list[str]:
    """The remote files a reader of ``root`` may open (``root`` a file or a folder)."""
    try:
        if fs.isfile(root):
            parent = root.rsplit("/", 1)[0] if "/" in root.strip("/") else ""
            siblings = _listing(fs, parent, recursive=False) if parent else [root]
            name = root.rsplit("/", 1)[-1]
            # An lm-eval results file selects the samples files beside it; a samples file
            # needs the results files beside it (small). Any other file comes alone.
            if _LM_EVAL_RESULTS.match(name):
                files = siblings
            elif name.endswith((".jsonl", ".json")):
                files = [p for p in siblings if p == root or _LM_EVAL_RESULTS.match(_name(p))]
            else:
                files = [root]
            return sorted(set(files) | {root} | _lighteval_results(fs, [root]))
        if fs.isdir(root):
            files = _listing(fs, root, recursive=True)
            return sorted(set(files) | _lighteval_results(fs, files))
    except InputFormatError:
        raise
    except Exception as err:  # network, permission, credential errors of any backend
        raise InputFormatError(f"{uri}: cannot list ({_one_line(err)})") from None
    raise InputFormatError(f"{uri}: no such file or directory")


def _name(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _listing(fs: Any, folder: str, *, recursive: bool) -> list[str]:
    if recursive:
        found = fs.find(folder, withdirs=False)
    else:
        found = [e["name"] for e in fs.ls(folder, detail=True) if e.get("type") == "file"]
    return [str(p) for p in found if str(p).lower().endswith(_READABLE_SUFFIXES)]


def _lighteval_results(fs: Any, files: list[str]) -> set[str]:
    """``<out>/results/<model>/results_<date>.json`` of staged lighteval details files.

    lighteval keeps the model name in that file, above the details folder; the
    local reader looks for it there (:func:`~.lighteval.results_file_for`).
    """
    wanted: set[str] = set()
    for path in files:
        parts = PurePosixPath(path).parts
        if not path.endswith(".parquet") or "details" not in parts[:-2]:
            continue
        if not _DATE_ID.match(parts[-2]):
            continue
        idx = len(parts) - 1 - parts[::-1].index("details")
        model_parts = parts[idx + 1 : -2]
        wanted.add("/".join((*parts[:idx], "results", *model_parts, f"results_{parts[-2]}.json")))
    return {p for p in wanted if fs.isfile(p)}


@contextmanager
def staged(uri: str, storage_options: StorageOptions | None = None) -> Iterator[Staged]:
    """Copy the run at ``uri`` into a temporary directory for the local readers.

    The copy mirrors the remote paths from the bucket (or repository) root, so
    every layout rule of the readers holds; it is removed on exit. Only files
    a reader could open are fetched (``.json``, ``.jsonl``, ``.eval``,
    ``.parquet``, ``.csv``, ...): for a folder, all of them below it; for a
    file, the file, plus for lm-eval the run's files beside it (a samples
    file's results files; a results file's samples files) and for lighteval
    details the run's ``results/<model>/results_<date>.json``.

    Examples
    --------
    >>> import fsspec
    >>> fs = fsspec.filesystem("memory")
    >>> fs.pipe("/doc/scores/arith.csv", b"doc_id,score\\n0,1\\n")
    >>> with staged("memory://doc/scores") as copy:
    ...     sorted(p.name for p in copy.local.iterdir())
    ['arith.csv']
    """
    fs, root = _filesystem(uri, storage_options)
    root = root.rstrip("/") or root
    files = _wanted_files(fs, root, uri)
    scheme_end = uri.find(root.lstrip("/"))
    remote_prefix = uri[:scheme_end] if scheme_end > 0 else f"{uri.split('://', 1)[0]}://"
    tmp = Path(tempfile.mkdtemp(prefix="fastmcnemar-remote-"))
    try:
        locals_ = [tmp / f.lstrip("/") for f in files]
        for path in locals_:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if files:
                fs.get(files, [str(p) for p in locals_])
        except Exception as err:  # any backend's network or permission error
            raise InputFormatError(f"{uri}: cannot download ({_one_line(err)})") from None
        local = tmp / root.lstrip("/")
        if not local.exists():  # a folder with nothing readable: the reader says so
            local.mkdir(parents=True)
        yield Staged(local, str(tmp) + "/", remote_prefix)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def read_staged(uri: str, storage_options: StorageOptions | None, read: Callable[[Path], T]) -> T:
    """Run ``read`` on a staged copy of ``uri``; its result, warnings and errors name the URI.

    Errors keep their class (an :class:`~fastmcnemar.InputFormatError` stays one,
    so the CLI still exits 2 with one line); warnings keep their category.
    """
    with staged(uri, storage_options) as copy, WARNINGS_LOCK:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = read(copy.local)
            except Exception as err:
                text = str(err)
                moved = copy.uri_of(text)
                if moved == text:
                    raise
                try:
                    renamed = type(err)(moved)
                except Exception:  # an exception class with another constructor
                    raise err from None
                raise renamed from None
        relocated = copy.relocate(result)
    for record in caught:
        warnings.warn_explicit(
            copy.uri_of(str(record.message)),
            record.category,
            record.filename,
            record.lineno,
        )
    return relocated


def run_folders(uri: str, storage_options: StorageOptions | None = None) -> list[str]:
    """The URIs of the sub-folders directly under ``uri`` that hold run files (sorted).

    Found from one recursive listing (names only, nothing downloaded): a
    sub-folder counts when some file below it has a suffix a reader opens.
    Empty when ``uri`` is not a folder or has no such sub-folder.
    """
    fs, root = _filesystem(uri, storage_options)
    root = root.rstrip("/")
    try:
        if not fs.isdir(root):
            return []
        files = _listing(fs, root, recursive=True)
    except Exception as err:  # network, permission, credential errors of any backend
        raise InputFormatError(f"{uri}: cannot list ({_one_line(err)})") from None
    base = uri.rstrip("/")
    children = set()
    for path in files:
        rest = path[len(root) :].lstrip("/") if path.startswith(root) else ""
        if "/" in rest:
            children.add(rest.split("/", 1)[0])
    return [f"{base}/{name}" for name in sorted(children)]


__all__ = [
    "WARNINGS_LOCK",
    "RemotePath",
    "Staged",
    "StorageOptions",
    "is_remote",
    "read_staged",
    "run_folders",
    "staged",
]
