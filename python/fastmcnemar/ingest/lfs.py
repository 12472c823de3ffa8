"""Git LFS pointer files: say what they are instead of "not valid JSON".

A repository that stores evaluation logs with Git LFS checks out small text pointers
(``version https://git-lfs.github.com/spec/v1`` / ``oid sha256:...`` / ``size N``) until
``git lfs pull`` fetches the files. Every reader calls :func:`check_not_lfs_pointer` on each
file it opens: one ``stat`` per file, and a read of at most 1 KiB only for files that small
(the LFS specification keeps pointers below 1024 bytes).
"""

from __future__ import annotations

from pathlib import Path

from fastmcnemar.exceptions import InputFormatError

_PREFIX = b"version https://git-lfs.github.com/spec/"
_MAX_POINTER_BYTES = 1024


def lfs_pointer_size(path: Path) -> int | None:
    """The size of the real file if ``path`` is a Git LFS pointer (-1 if not stated), else None.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> pointer = pathlib.Path(tempfile.mkdtemp()) / "samples_x.jsonl"
    >>> _ = pointer.write_text(
    ...     "version https://git-lfs.github.com/spec/v1\\n"
    ...     "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\\n"
    ...     "size 12345\\n"
    ... )
    >>> lfs_pointer_size(pointer)
    12345
    """
    try:
        if not path.is_file() or path.stat().st_size > _MAX_POINTER_BYTES:
            return None
        head = path.read_bytes()
    except OSError:
        return None  # the reader itself reports the I/O error
    if not head.startswith(_PREFIX):
        return None
    for line in head.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(" ")
        if key == "size" and value.strip().isdigit():
            return int(value)
    return -1


def check_not_lfs_pointer(path: Path) -> None:
    """Raise :class:`InputFormatError` when ``path`` is a Git LFS pointer, not the file."""
    size = lfs_pointer_size(path)
    if size is not None:
        real = f" ({size:,} bytes)" if size >= 0 else ""
        raise InputFormatError(
            f"{path}: Git LFS pointer, not the file itself{real}: run `git lfs pull`"
        )


__all__ = ["check_not_lfs_pointer", "lfs_pointer_size"]
