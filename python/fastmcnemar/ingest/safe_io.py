"""Opening and parsing run files without blocking, exhausting memory or recursing.

Every reader goes through these helpers for the bytes it parses in Python:

* only regular files are opened (a FIFO would block ``open()`` forever, a device
  never ends): the file is opened with ``O_NONBLOCK`` and checked with
  ``fstat`` before a byte is read, so there is no window for a swap;
* a JSON document read whole is read in chunks and refused past
  :func:`~fastmcnemar._limits.max_json_bytes`;
* an archive member is expanded in chunks and refused past
  :func:`~fastmcnemar._limits.max_member_bytes` or past the expansion ratio;
* ``json.loads`` recursion is caught and reported with the line where the
  nesting became too deep.

The messages name the file (and the archive member or line).
"""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path
from typing import IO, Any

from fastmcnemar import _limits
from fastmcnemar.exceptions import InputFormatError

_CHUNK = 1 << 20
_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


def file_kind(mode: int) -> str:
    """What a non-regular ``st_mode`` is, in words."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def require_regular(path: str | os.PathLike[str]) -> Path:
    """``path`` if it is a regular file (after symlinks); else :class:`InputFormatError`."""
    target = Path(path)
    try:
        mode = target.stat().st_mode
    except OSError as err:
        raise InputFormatError(f"{target}: cannot read ({err.strerror or err})") from None
    if not stat.S_ISREG(mode):
        raise InputFormatError(f"{target}: {file_kind(mode)}, not a regular file; not read")
    return target


def open_regular(path: str | os.PathLike[str]) -> IO[bytes]:
    """Open a regular file for binary reading without ever blocking on a FIFO."""
    target = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(target, flags)
    except OSError as err:
        raise InputFormatError(f"{target}: cannot read ({err.strerror or err})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputFormatError(f"{target}: {file_kind(mode)}, not a regular file; not read")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bounded(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The whole file, refused (while reading) when longer than ``limit`` bytes
    (default: the JSON document limit)."""
    cap = _limits.max_json_bytes() if limit is None else limit
    parts: list[bytes] = []
    total = 0
    with open_regular(path) as fh:
        while True:
            chunk = fh.read(min(_CHUNK, cap + 1 - total))
            if not chunk:
                break
            total += len(chunk)
            if total > cap:
                raise InputFormatError(
                    f"{path}: larger than the {_limits.human_bytes(cap)} limit for one JSON "
                    f"document (set {_limits.JSON_BYTES_ENV} to raise it)"
                )
            parts.append(chunk)
    return b"".join(parts)


def check_member_header(info: zipfile.ZipInfo, path: Path) -> None:
    """Refuse a member whose declared sizes already break the limits."""
    _check_member_size(info.file_size, info, path)


def _check_member_size(expanded: int, info: zipfile.ZipInfo, path: Path) -> None:
    cap = _limits.max_member_bytes()
    if expanded > cap:
        raise InputFormatError(
            f"{path}: member {info.filename}: expands to more than the "
            f"{_limits.human_bytes(cap)} limit for one archive member "
            f"(set {_limits.MEMBER_BYTES_ENV} to raise it)"
        )
    if expanded > _limits.RATIO_FLOOR_BYTES:
        ratio = _limits.max_expansion_ratio()
        if expanded > ratio * max(info.compress_size, 1):
            raise InputFormatError(
                f"{path}: member {info.filename}: expands more than {ratio:g} times "
                f"({_limits.human_bytes(info.compress_size)} compressed), which no real log "
                f"does (set {_limits.RATIO_ENV} to raise the limit)"
            )


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    """A deflated or stored member, expanded in chunks within the limits."""
    check_member_header(info, path)
    parts: list[bytes] = []
    total = 0
    with archive.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            _check_member_size(total, info, path)
            parts.append(chunk)
    return b"".join(parts)


def loads(data: bytes | str, where: str) -> Any:
    """``json.loads`` whose recursion on deep nesting becomes an :class:`InputFormatError`.

    ``where`` names the document (``"path"``, ``"path: line 7"``,
    ``"path: member samples/1.json"``). Other JSON errors propagate unchanged so
    each caller words them for its format.
    """
    try:
        return json.loads(data)
    except RecursionError:
        raise InputFormatError(too_deep_message(data, where)) from None


def too_deep_message(data: bytes | str, where: str) -> str:
    """The message for a document nested past :data:`~fastmcnemar._limits.MAX_JSON_DEPTH`,
    with the line (and, in a one-line document, the byte) where it got too deep."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    offset = nesting_overflow(raw, _limits.MAX_JSON_DEPTH)
    if offset is None:
        return f"{where}: JSON nested too deeply for Python's parser"
    line = raw.count(b"\n", 0, offset) + 1
    place = f"line {line}" if b"\n" in raw[:offset] else f"byte {offset + 1}"
    if "line " in where.rsplit(": ", 1)[-1]:
        place = f"byte {offset + 1}"
    return (
        f"{where}: JSON nested more than {_limits.MAX_JSON_DEPTH} levels deep "
        f"(at {place}); real logs nest about 10 deep"
    )


def nesting_overflow(raw: bytes, limit: int) -> int | None:
    """Offset of the first bracket that opens level ``limit + 1``, skipping strings."""
    depth = 0
    in_string = False
    escaped = False
    for offset, byte in enumerate(raw):
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return offset
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return None


__all__ = [
    "check_member_header",
    "file_kind",
    "loads",
    "nesting_overflow",
    "open_regular",
    "read_bounded",
    "read_member",
    "require_regular",
    "too_deep_message",
]
