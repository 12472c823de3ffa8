"""Writing reports without ever destroying an input or a previous report.

Two rules for every file fastmcnemar writes:

* **Outputs are never inputs.** :func:`refuse_input_overlap` refuses an output
  path that is one of the runs being read, lies inside a run directory, or sits
  next to a run file under a name a reader would pick up as part of that run
  (``samples_*.jsonl``, ``results*.json``, ``*.eval``, ...).
* **Writes are atomic.** :func:`write_text_atomic` writes to a temporary file in
  the target directory, flushes it to disk and renames it over the target, so a
  full disk or a killed process leaves the old file as it was (and no partial
  new one). A target that exists and is not a regular file (``/dev/stdout``, a
  pipe) is written directly: there is nothing to replace atomically.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from fastmcnemar.exceptions import OutputError

#: File names a reader takes as part of a run when they sit beside a run file.
_RUN_FILE_NAMES = re.compile(
    r"^(samples_.+\.jsonl|results.*\.json|.+\.eval|details_.+\.parquet|model_paths\.json)$"
)


def _real(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.realpath(os.path.expanduser(os.fspath(path))))


def refuse_input_overlap(
    output: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]
) -> None:
    """Raise :class:`OutputError` when writing ``output`` could overwrite an input.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> run = pathlib.Path(tempfile.mkdtemp())
    >>> refuse_input_overlap(run / "report.md", [run])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fastmcnemar.exceptions.OutputError: .../report.md: lies inside the input run ...
    >>> refuse_input_overlap(run.parent / "report.md", [run])
    """
    target = _real(output)
    for given in inputs:
        source = _real(given)
        if target == source:
            raise OutputError(f"{output}: is one of the inputs ({given}); choose another output")
        if source.is_dir() and target.is_relative_to(source):
            raise OutputError(
                f"{output}: lies inside the input run {given}; write the report elsewhere "
                "so it is never read as part of the run"
            )
        beside = source.is_file() and target.parent == source.parent
        if beside and _RUN_FILE_NAMES.match(target.name):
            raise OutputError(
                f"{output}: is named like a run file beside the input {given}; "
                "choose another name or directory"
            )


def write_text_atomic(path: str | os.PathLike[str], text: str | Iterable[str]) -> None:
    """Write ``text`` (UTF-8; or its pieces, in order, encoded one at a time) to ``path``
    all at once, or not at all.

    Raises :class:`OutputError` naming ``path`` when the write fails (disk full,
    read-only directory, missing directory); the old file is then untouched.
    """
    data = (piece.encode("utf-8") for piece in ([text] if isinstance(text, str) else text))
    target = Path(path)
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as err:
        raise OutputError(f"{path}: cannot write: {err.strerror or err}") from None
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise OutputError(f"{path}: is a directory; give a file name")
        _write_directly(target, data)
        return
    real = _real(target)  # a symlink keeps pointing at the new file
    _replace(real, data, keep_mode=mode, shown=str(path))


def _write_directly(target: Path, data: Iterable[bytes]) -> None:
    try:
        with open(target, "wb") as fh:
            for piece in data:
                fh.write(piece)
            fh.flush()
    except OSError as err:
        raise OutputError(f"{target}: cannot write: {err.strerror or err}") from None


def _replace(real: Path, data: Iterable[bytes], *, keep_mode: int | None, shown: str) -> None:
    folder = real.parent
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{real.name}.", suffix=".tmp")
    except OSError as err:
        raise OutputError(f"{shown}: cannot write: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            for piece in data:
                fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, stat.S_IMODE(keep_mode) if keep_mode is not None else _new_file_mode())
        os.replace(temp, real)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(err, OSError):
            raise OutputError(
                f"{shown}: cannot write: {err.strerror or err} (the old file, if any, is unchanged)"
            ) from None
        raise
    with contextlib.suppress(OSError):  # the rename itself survives a crash once the dir is synced
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


__all__ = ["refuse_input_overlap", "write_text_atomic"]
