"""Bounds on the work and memory one call may take, and how to change them.

Hostile or broken inputs must fail fast with a clear message instead of eating
the machine: a 2 MB Inspect ``.eval`` whose member expands to gigabytes, a JSON
document nested 100,000 deep, a sample count of 2^62. The defaults sit far
above real evaluation logs (docs/reliability.md lists what was measured) and
each byte limit can be changed with an environment variable.

========================================  =================================  ==========
limit                                     environment variable               default
========================================  =================================  ==========
expanded size of one archive member       FASTMCNEMAR_MAX_MEMBER_BYTES       512 MiB
size of one JSON document read whole      FASTMCNEMAR_MAX_JSON_BYTES         2 GiB
expanded / compressed size of a member    FASTMCNEMAR_MAX_EXPANSION_RATIO    200
========================================  =================================  ==========

The ratio is checked once a member has expanded past :data:`RATIO_FLOOR_BYTES`
(a tiny member of repeated bytes compresses far better than any real log).
"""

from __future__ import annotations

import numbers
import os
import re

from fastmcnemar.exceptions import InvalidArgumentError

#: Largest number of paired samples any function accepts: counts above 2^53 are
#: no longer exact as float64, and the work of an exact test grows with n.
MAX_SAMPLES = 2**53

#: JSON nesting past this depth is reported as too deep. Python's ``json`` parser
#: stops near its recursion limit (1,000) anyway; real logs nest 5 to 11 deep.
MAX_JSON_DEPTH = 512

MEMBER_BYTES_ENV = "FASTMCNEMAR_MAX_MEMBER_BYTES"
JSON_BYTES_ENV = "FASTMCNEMAR_MAX_JSON_BYTES"
RATIO_ENV = "FASTMCNEMAR_MAX_EXPANSION_RATIO"

DEFAULT_MEMBER_BYTES = 512 << 20
DEFAULT_JSON_BYTES = 2 << 30
DEFAULT_EXPANSION_RATIO = 200.0
#: Members smaller than this are never refused for their compression ratio.
RATIO_FLOOR_BYTES = 16 << 20

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def _size_from_env(name: str, default: int) -> int:
    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    match = _SIZE.match(text)
    if match is None or float(match[1]) * _UNITS[match[2].lower()] < 1:
        raise InvalidArgumentError(
            f"{name}={text!r} is not a positive size (bytes, or with K/M/G/T, e.g. 512M)"
        )
    return int(float(match[1]) * _UNITS[match[2].lower()])


def max_member_bytes() -> int:
    """Largest expanded size of one archive member, in bytes."""
    return _size_from_env(MEMBER_BYTES_ENV, DEFAULT_MEMBER_BYTES)


def max_json_bytes() -> int:
    """Largest JSON document read whole, in bytes."""
    return _size_from_env(JSON_BYTES_ENV, DEFAULT_JSON_BYTES)


def max_expansion_ratio() -> float:
    """Largest expanded / compressed size of an archive member past the floor."""
    text = os.environ.get(RATIO_ENV)
    if text is None or not text.strip():
        return DEFAULT_EXPANSION_RATIO
    try:
        ratio = float(text)
    except ValueError:
        ratio = float("nan")
    if not ratio >= 1:
        raise InvalidArgumentError(f"{RATIO_ENV}={text!r} is not a number of at least 1")
    return ratio


def human_bytes(size: float) -> str:
    """``1073741824`` -> ``'1.0 GiB'``."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"  # pragma: no cover


def check_sample_count(n: object, name: str = "n") -> int:
    """``n`` as an int in [1, 2^53]; :class:`InvalidArgumentError` otherwise.

    Examples
    --------
    >>> check_sample_count(100)
    100
    >>> check_sample_count(2**62)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fastmcnemar.InvalidArgumentError: n must be at most 2^53 = 9007199254740992, got ...
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise InvalidArgumentError(f"{name} must be an integer number of paired samples, got {n!r}")
    value = int(n)
    if value < 1:
        raise InvalidArgumentError(f"{name} must be at least 1, got {value}")
    if value > MAX_SAMPLES:
        raise InvalidArgumentError(f"{name} must be at most 2^53 = {MAX_SAMPLES}, got {value}")
    return value


__all__ = [
    "DEFAULT_EXPANSION_RATIO",
    "DEFAULT_JSON_BYTES",
    "DEFAULT_MEMBER_BYTES",
    "JSON_BYTES_ENV",
    "MAX_JSON_DEPTH",
    "MAX_SAMPLES",
    "MEMBER_BYTES_ENV",
    "RATIO_ENV",
    "RATIO_FLOOR_BYTES",
    "check_sample_count",
    "human_bytes",
    "max_expansion_ratio",
    "max_json_bytes",
    "max_member_bytes",
]
