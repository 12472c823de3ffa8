"""Read Zstandard-compressed zip members (method 93), as recent Inspect ``.eval`` logs use.

Python's ``zipfile`` reads method 93 itself from 3.14 on. Before that we read
the member's raw bytes from the archive and decompress them with the optional
``zstandard`` package (``pip install 'fastmcnemar[inspect]'``; it is also
installed with ``inspect_ai``), so the core package keeps to numpy + polars.
"""

from __future__ import annotations

import importlib
import struct
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

from fastmcnemar.exceptions import InputFormatError

#: The zip compression method number of Zstandard.
ZIP_ZSTANDARD = 93
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"


def zstd_supported_by_zipfile() -> bool:
    """True when this Python's zipfile decompresses method 93 itself (3.14+).

    Decided by the version, not by ``zipfile.ZIP_ZSTANDARD``: importing
    inspect_ai patches that into older zipfiles, and our reading must not
    depend on what else the process imported.
    """
    return sys.version_info >= (3, 14)


def _decompressor(path: Path) -> Any:
    try:
        module = importlib.import_module("zstandard")
    except ImportError:
        raise InputFormatError(
            f"{path}: this .eval log is Zstandard-compressed; reading it needs Python 3.14+ "
            "or the 'zstandard' package (pip install 'fastmcnemar[inspect]'), or convert it "
            "with `inspect log convert --to json`"
        ) from None
    return module.ZstdDecompressor()


def read_zstd_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    """The decompressed bytes of one method-93 member of ``archive``.

    The declared size is checked against the member limits first; the
    decompressor never writes more than the declared size.
    """
    from fastmcnemar.ingest.safe_io import check_member_header

    check_member_header(info, path)
    fp = archive.fp
    if fp is None:
        raise InputFormatError(f"{path}: archive is closed")
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
        raise InputFormatError(f"{path}: member {info.filename}: bad local file header")
    fields = _LOCAL_HEADER.unpack(header)
    name_len, extra_len = fields[-2], fields[-1]
    fp.seek(name_len + extra_len, 1)
    raw = fp.read(info.compress_size)
    if len(raw) != info.compress_size:
        raise InputFormatError(f"{path}: member {info.filename}: truncated data")
    try:
        data: bytes = _decompressor(path).decompress(raw, max_output_size=info.file_size)
    except InputFormatError:
        raise
    except Exception as exc:  # zstandard.ZstdError and friends
        raise InputFormatError(f"{path}: member {info.filename}: bad zstd data ({exc})") from None
    if len(data) != info.file_size:
        raise InputFormatError(f"{path}: member {info.filename}: size mismatch after decompression")
    if zlib.crc32(data) != info.CRC:
        raise InputFormatError(f"{path}: member {info.filename}: CRC check failed")
    return data


__all__ = ["ZIP_ZSTANDARD", "read_zstd_member", "zstd_supported_by_zipfile"]
